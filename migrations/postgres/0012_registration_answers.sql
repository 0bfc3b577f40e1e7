-- Every answer of a registration's form, as JSON keyed by field: a field added to the
-- form is stored here with no new column. The columns beside it stay for what queries
-- filter or sum (kind, value, dates, status, number); rows older than this read their
-- answers from those columns.
ALTER TABLE registrations ADD COLUMN answers TEXT;
