-- Photos of a finished work, sent with its result: JSON array of the stored files
-- (name, size, sha256, path under the data folder).
ALTER TABLE registrations ADD COLUMN result_photos TEXT;
