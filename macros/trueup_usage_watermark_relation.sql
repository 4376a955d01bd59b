{#- The relation that holds the usage watermark: int_usage_daily_rolled_up, the last model to
    fold a batch of usage records in. int_usage_duplicates_identified runs before it in the same
    build and reads the same watermark, so both process the same batch. Looked up by name (a
    ref() would make the rollup an upstream of the model it depends on); none when it does not
    exist yet or at parse time. -#}
{% macro trueup_usage_watermark_relation() -%}
    {{ return(trueup_model_relation('int_usage_daily_rolled_up')) }}
{%- endmacro %}
