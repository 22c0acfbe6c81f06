-- Keeping the vendor and provider registries (correcting where a vendor, skilled person or
-- volunteer is, SPEC G3; later their records, R1-R2) is a permission of its own, held by
-- shift leads by default. A database whose roles were set up before it gets it here (where
-- the shift lead still approves); a new one gets it with the other defaults.
INSERT INTO role_permissions (role, permission)
SELECT DISTINCT role, 'providers.registry' FROM role_permissions
WHERE role = 'shift_lead' AND permission = 'cases.approve';
