{#- A Parquet numeric value as DECIMAL(38, scale) (rounded half away from zero), whatever its
    physical type: numbers are cast, text is parsed like a JSON numeric string; NaN, infinity,
    unparseable text and other types are NULL. `data_type` is the column's type (none: the
    column is absent). -#}
{% macro _trueup_parquet_decimal(expression, data_type, scale) -%}
    {%- set numeric = ['DECIMAL', 'DOUBLE', 'FLOAT', 'REAL', 'TINYINT', 'SMALLINT', 'INTEGER',
        'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'] -%}
    {%- set base = (data_type or '').split('(')[0] -%}
    {%- if not data_type -%}
        cast(null as decimal(38, {{ scale }}))
    {%- elif base == 'VARCHAR' -%}
        {{ trueup_parse_decimal(expression, scale) }}
    {%- elif base in numeric -%}
        {{ trueup_try_cast(expression, 'decimal(38, ' ~ scale ~ ')') }}
    {%- else -%}
        cast(null as decimal(38, {{ scale }}))
    {%- endif -%}
{%- endmacro %}
