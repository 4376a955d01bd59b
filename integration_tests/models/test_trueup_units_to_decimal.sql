{#- trueup_units_to_decimal per scale, compared as the text of a DECIMAL(38, scale). -#}
{{ scale_cases(
    ref('data_trueup_units_to_decimal'), trueup_units_to_decimal,
    'units', trueup_type_bigint128(), 'decimal(38, %s)'
) }}
