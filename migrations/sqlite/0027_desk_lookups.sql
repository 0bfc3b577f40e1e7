-- The proposed works ("công trình tiêu biểu") are read by their flag, not by reading
-- every work of the campaign; whether any real unit exists (the console's sample unit
-- counts only until one does) is one index probe.
CREATE INDEX registrations_featured ON registrations (campaign_id, featured, status);
CREATE INDEX units_demo ON units (demo);
