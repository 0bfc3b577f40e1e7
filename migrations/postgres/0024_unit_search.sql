-- A unit's name as it is searched: folded (no case, no diacritics), so "vinh thuan"
-- finds "Vĩnh Thuận" in the web grid without reading every name.
ALTER TABLE units ADD COLUMN folded_name TEXT;
