{#- The characters an identifier is trimmed of, as a SQL string literal: every character of
    Unicode's White_Space property - tab, line feed, vertical tab, form feed, carriage return,
    space, U+0085, U+00A0 (no-break space), U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
    U+205F and U+3000 (ideographic space). Zero-width characters (U+200B, U+FEFF) are not white
    space and are kept. The literal holds the characters themselves (UTF-8). -#}
{% macro trueup_white_space() -%}
    {%- set characters = '\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005'
        ~ '\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000' -%}
    '{{ characters }}'
{%- endmacro %}
