{#- One typed row per row of the given Parquet files, read column by column (no detour through
    JSON text): source_file, line_number (1-based row), source_format, record_shape,
    is_supported_schema, producer, event_id, tenant_id, meter, has_quantity, quantity
    (DECIMAL(38, 9)), event_ts and ingested_at (UTC timestamps), sample_rate (DECIMAL(38, 18),
    1 when absent) and raw_record: the row as a JSON object, rendered only for rows that are
    not clean (see trueup_usage_record_is_clean).
    Every file is read by its exact name (trueup_exact_path) and its rows carry its source_file;
    files with identical columns (names, types and order) share one typing select over the union
    of their reads. Every column and field name that comes from a file is quoted
    (_trueup_parquet_identifier). Columns may be missing or typed differently from file to file: DECIMAL, integer and DOUBLE
    quantities, VARCHAR (RFC 3339) or TIMESTAMP [WITH TIME ZONE] times, CloudEvents rows with a
    `data` STRUCT. -#}
{% macro trueup_read_parquet_rows(files, known_meters) -%}
    {{ return(adapter.dispatch('trueup_read_parquet_rows', 'trueup')(files, known_meters)) }}
{%- endmacro %}

{% macro duckdb__trueup_read_parquet_rows(files, known_meters) -%}
    {%- set groups = {} -%}
    {%- set group_order = [] -%}
    {%- for file in files -%}
        {%- set reader = 'read_parquet(' ~ trueup_exact_path(file.path) ~ ', hive_partitioning = false)' -%}
        {%- set described = run_query('describe select * from ' ~ reader) -%}
        {%- set columns = [] -%}
        {%- for row in described.rows -%}
            {%- do columns.append([row[0], row[1]]) -%}
        {%- endfor -%}
        {%- set signature = columns | tojson -%}
        {%- if signature not in groups -%}
            {%- set data_fields = {} -%}
            {%- for name, type in columns if name == 'data' and type.startswith('STRUCT(') -%}
                {%- set fields = run_query(
                    'describe select unnest(landed_file."data") from ' ~ reader ~ ' as landed_file'
                ) -%}
                {%- for row in fields.rows -%}
                    {%- do data_fields.update({row[0]: row[1]}) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- do groups.update({signature: {
                'columns': columns, 'data_fields': data_fields, 'files': []}}) -%}
            {%- do group_order.append(signature) -%}
        {%- endif -%}
        {%- do groups[signature]['files'].append(file) -%}
    {%- endfor -%}
    {%- if group_order | length == 0 %}
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as line_number,
        cast(null as varchar) as source_format,
        cast(null as varchar) as record_shape,
        cast(null as boolean) as is_supported_schema,
        cast(null as varchar) as producer,
        cast(null as varchar) as event_id,
        cast(null as varchar) as tenant_id,
        cast(null as varchar) as meter,
        cast(null as boolean) as has_quantity,
        cast(null as decimal(38, 9)) as quantity,
        cast(null as timestamp) as event_ts,
        cast(null as timestamp) as ingested_at,
        cast(null as decimal(38, 18)) as sample_rate,
        cast(null as varchar) as raw_record
    where false
    {%- endif %}
    {%- for signature in group_order %}
    {%- set group = groups[signature] -%}
    {%- set c = {} -%}
    {%- set ref = {} -%}
    {%- for name, type in group.columns -%}
        {%- do c.update({name: type}) -%}
        {%- do ref.update({name: 'landed_row.landed__' ~ loop.index}) -%}
    {%- endfor -%}
    {%- set is_ce = 'specversion' in c -%}
    {%- set names = {
        'event_id': 'id' if is_ce else 'event_id',
        'producer': 'source' if is_ce else 'producer',
        'tenant_id': 'subject' if is_ce else 'tenant_id',
        'meter': 'type' if is_ce else 'meter',
        'event_ts': 'time' if is_ce else 'event_ts',
        'ingested_at': 'ingestedat' if is_ce else 'ingested_at',
    } -%}
    {%- set data_fields = group.data_fields -%}
    {%- set flat_fields = ['event_id', 'producer', 'tenant_id', 'meter', 'quantity', 'event_ts',
        'ingested_at', 'sample_rate'] -%}
    {%- set has_flat = flat_fields | select('in', c) | list | length > 0 -%}
    {%- if is_ce -%}
        {%- set quantity = (
            ref.get('data', '') ~ '.' ~ _trueup_parquet_identifier('quantity'),
            data_fields.get('quantity')) -%}
        {%- set rate = (
            ref.get('data', '') ~ '.' ~ _trueup_parquet_identifier('sample_rate'),
            data_fields.get('sample_rate')) -%}
    {%- else -%}
        {%- set quantity = (ref.get('quantity'), c.get('quantity')) -%}
        {%- set rate = (ref.get('sample_rate'), c.get('sample_rate')) -%}
    {%- endif %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        source_file,
        line_number,
        'parquet' as source_format,
        record_shape,
        is_supported_schema,
        producer,
        event_id,
        tenant_id,
        meter,
        has_quantity,
        quantity,
        event_ts,
        ingested_at,
        sample_rate,
        -- the row as landed, rebuilt from its own columns only where it is needed: packing
        -- every row into a struct up front costs about as much as the typing
        case
            when not {{ trueup_usage_record_is_clean(known_meters) }}
                then cast(to_json(struct_pack(
                    {%- for name, type in group.columns %}
                    {{ _trueup_parquet_identifier(name) }} := landed__{{ loop.index }}{{ ',' if not loop.last }}
                    {%- endfor %}
                )) as varchar)
        end as raw_record
    from (
        select
            {%- for name, type in group.columns %}
            landed_row.landed__{{ loop.index }},
            {%- endfor %}
            landed_row.source_file,
            cast(landed_row.row_index + 1 as bigint) as line_number,
            '{{ 'cloudevents' if is_ce else ('flat' if has_flat else 'unknown') }}'
            as record_shape,
            {% if is_ce -%}
            coalesce(cast({{ ref['specversion'] }} as varchar) = '1.0', false)
            {%- if c['specversion'] != 'VARCHAR' %} and false{% endif %}
            {%- else -%}
            {{ 'true' if has_flat else 'false' }}
            {%- endif %} as is_supported_schema,
            {%- for field in ['producer', 'event_id', 'tenant_id', 'meter'] %}
            {{ _trueup_parquet_text(ref.get(names[field]), c.get(names[field])) }} as {{ field }},
            {%- endfor %}
            {{ quantity[0] if quantity[1] else 'null' }} is not null as has_quantity,
            {{ _trueup_parquet_decimal(quantity[0], quantity[1], 9) }} as quantity,
            {{ _trueup_parquet_timestamp(ref.get(names['event_ts']), c.get(names['event_ts'])) }}
            as event_ts,
            {{ _trueup_parquet_timestamp(ref.get(names['ingested_at']), c.get(names['ingested_at'])) }}
            as ingested_at,
            case
                when {{ rate[0] if rate[1] else 'null' }} is null then cast(1 as decimal(38, 18))
                else {{ _trueup_parquet_decimal(rate[0], rate[1], 18) }}
            end as sample_rate
        from (
            {%- for file in group.files %}
            {%- if not loop.first %}
            union all
            {%- endif %}
            -- {{ loop.index }} of {{ loop.length }} files with these columns
            select
                '{{ file.source_file | replace("'", "''") }}' as source_file,
                {%- if 'file_row_number' in c %}
                -- a column of the file hides the reader's row number: number the rows instead
                landed_file.row_ordinality - 1 as row_index,
                {%- else %}
                landed_file.file_row_number as row_index,
                {%- endif %}
                {%- for name, type in group.columns %}
                {%- if 'file_row_number' in c %}
                landed_file.landed__{{ loop.index }}{{ ',' if not loop.last }}
                {%- else %}
                landed_file.{{ _trueup_parquet_identifier(name) }} as landed__{{ loop.index }}
                {{- ',' if not loop.last }}
                {%- endif %}
                {%- endfor %}
            from read_parquet({{ trueup_exact_path(file.path) }}, hive_partitioning = false)
            {%- if 'file_row_number' in c %}
                with ordinality as landed_file (
                    {%- for name, type in group.columns %}landed__{{ loop.index }}, {% endfor -%}
                    row_ordinality
                )
            {%- else %}
                as landed_file
            {%- endif %}
            {%- endfor %}
        ) as landed_row
    )
    {%- endfor %}
{%- endmacro %}
