-- The campaign file's [[question]] list as JSON: questions a district asks after the
-- paper form's items. Their answers live in registrations.answers with the rest.
ALTER TABLE campaigns ADD COLUMN questions TEXT;
