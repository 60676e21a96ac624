{{ config(materialized='incremental', post_hook=["UPDATE cl.company_identity SET synced = now()", "ANALYZE {{ this }}"]) }}
{% set rows = run_query("DELETE FROM cl.merge_records WHERE stale") %}
SELECT p.id, c.name
FROM {{ ref('stg_people') }} p
JOIN {{ source('cl', 'company_identity') }} c ON c.id = p.company_id
{% if is_incremental() %}
WHERE p.updated_at > (SELECT max(updated_at) FROM {{ this }})
{% endif %}
;
INSERT INTO {{ target.schema }}.audit SELECT 1;
