-- Finding a person in the elderly registry (SPEC R3) by any number a coordinator has at
-- hand, or by the beginning of the name, without reading the whole table. The name index
-- is in byte order (SQLite's BINARY), which the prefix search's range uses.
CREATE INDEX elderly_phone ON elderly(phone);
CREATE INDEX elderly_id_number ON elderly(id_number);
CREATE INDEX elderly_service_card ON elderly(service_card_no);
CREATE INDEX elderly_name ON elderly(name);
