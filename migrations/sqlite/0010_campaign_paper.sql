-- The campaign file's [paper] table (issuer, place, the form's subtitle) as JSON: what
-- the printed forms say that the rest of the database does not know.
ALTER TABLE campaigns ADD COLUMN paper TEXT;
