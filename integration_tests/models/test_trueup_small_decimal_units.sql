{#- trueup_small_decimal_units per scale (values below its bound), compared as the text of a
    128-bit integer. -#}
{{ scale_cases(
    ref('data_trueup_small_decimal_units'), trueup_small_decimal_units,
    'value', 'decimal(38, %s)', trueup_type_bigint128()
) }}
