-- The campaign file's [paper] table (issuer, place, the form's subtitle) and its
-- [[award]] criteria, each as JSON: what the printed forms and the award hints need
-- that the rest of the database does not know.
ALTER TABLE campaigns ADD COLUMN paper TEXT;
ALTER TABLE campaigns ADD COLUMN awards TEXT;
