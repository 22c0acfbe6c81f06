-- One spelling of "one-key" in codes: the channel code `onekey` becomes `one_key`, as the
-- caller-card badge and the JSON of a case's channel already spell it. No code path filed
-- a case by this channel before, so this normally changes nothing; it is here so no stored
-- row keeps the old code. (Audit entries are append-only and are left as written.)
UPDATE cases SET channel = 'one_key' WHERE channel = 'onekey';
