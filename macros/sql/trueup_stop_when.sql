{#- The rows of `rows` (a relation or CTE), unchanged, after a guard over groups of them: per
    group of `keys` (a list of column names) `measure` (an aggregate over the group's rows, e.g.
    `count(*)`) is computed once, and the query stops with `message` (a SQL string expression
    over the columns of `rows`, qualified with its name) at the first row of a group whose
    measure reaches `limit`. For sums that would overflow, or a bound a later step relies on:
    the build fails naming the key instead of returning a wrong or overflowing figure. -#}
{% macro trueup_stop_when(rows, keys, measure, limit, message) -%}
    select {{ rows }}.*
    from {{ rows }}
    inner join (
        select
            {% for key in keys -%}
            {{ key }},
            {% endfor -%}
            {{ measure }} as guarded_measure
        from {{ rows }}
        group by {{ keys | join(', ') }}
    ) as guarded
        on {{ trueup_keys_match(rows, 'guarded', keys) }}
    where
        case
            when guarded.guarded_measure >= {{ limit }}
                then {{ trueup_raise_error(message) }} is null
            else true
        end
{%- endmacro %}
