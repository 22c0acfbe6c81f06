-- Home care (E, SPEC H2) goes to a vendor or to an individual from the providers registry:
-- a volunteer (义工) or a skilled person (一技之长者). A part is now held by exactly one
-- department, vendor or provider.
ALTER TABLE case_assignments ADD COLUMN provider_id BIGINT REFERENCES providers(id);
ALTER TABLE case_assignments DROP CONSTRAINT case_assignments_check;
ALTER TABLE case_assignments ADD CONSTRAINT case_assignments_one_holder
    CHECK (num_nonnulls(department_id, vendor_id, provider_id) = 1);
CREATE INDEX case_assignments_provider ON case_assignments(provider_id, case_id);
