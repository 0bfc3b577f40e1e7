-- Each answer once: a registration's answers (JSON, by field key) are the record. Rows
-- written before the answers were kept whole get them from their columns here; then
-- the columns no query filters or sums go. kind, end_date and estimated_value_vnd
-- stay, written beside the answers, for SQL (the result question after the end
-- date, award thresholds and totals, counts by kind).
UPDATE registrations SET answers = json_build_object(
    'kind', json_build_object('t', 'choice', 'v', kind),
    'name', json_build_object('t', 'text', 'v', name),
    'start_date', json_build_object('t', 'date', 'v', start_date),
    'end_date', json_build_object('t', 'date', 'v', end_date),
    'content', json_build_object('t', 'text', 'v', content),
    'estimated_value', json_build_object('t', 'money', 'v', estimated_value_vnd),
    'benefit_economic', CASE WHEN benefit_economic IS NULL THEN json_build_object('t', 'skipped')
        ELSE json_build_object('t', 'text', 'v', benefit_economic) END,
    'benefit_social', CASE WHEN benefit_social IS NULL THEN json_build_object('t', 'skipped')
        ELSE json_build_object('t', 'text', 'v', benefit_social) END,
    'time_saved', CASE WHEN time_saved IS NULL THEN json_build_object('t', 'skipped')
        ELSE json_build_object('t', 'text', 'v', time_saved) END
)::text WHERE answers IS NULL;
ALTER TABLE registrations
    DROP COLUMN name,
    DROP COLUMN start_date,
    DROP COLUMN content,
    DROP COLUMN benefit_economic,
    DROP COLUMN benefit_social,
    DROP COLUMN time_saved;
