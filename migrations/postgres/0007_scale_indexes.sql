-- Hot queries of a province or a nation (100 000 units): who is the district (a unit
-- with staff), a unit's chairs, the staff, and who received an announcement.
CREATE INDEX members_unit_role ON members (unit_id, role, active);
CREATE INDEX members_role_active ON members (role, active);
CREATE INDEX outbox_broadcast_member ON outbox (broadcast_id, member_id);
CREATE INDEX reminders_sent_deadline_unit ON reminders_sent (deadline_id, unit_id);
