-- Packed copies of stored bar series, so that loading a series reads a few large values instead of one row per
-- bar (SQLite steps about 1-2M rows/s; a block is copied at memory speed). A cache only: market_data stays the
-- record. SqliteStorage::loadBars writes the blocks of a whole series at once when it first reads the series
-- and uses them while they exist; the triggers below delete a series' blocks whenever any of its rows is
-- inserted, changed or deleted, by whatever writer, so blocks never outlive the rows they copy.
-- payload: bar_count bars of 64 bytes (ts int64, open, high, low, close, volume, vwap double, trades int64),
-- host byte order; format names that layout (1 = little-endian); a block of another format is ignored.
CREATE TABLE market_data_blocks (
    symbol    TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    first_ts  INTEGER NOT NULL,
    last_ts   INTEGER NOT NULL,
    bar_count INTEGER NOT NULL,
    format    INTEGER NOT NULL,
    payload   BLOB    NOT NULL,
    CONSTRAINT market_data_blocks_pkey PRIMARY KEY (symbol, source, first_ts)
);

CREATE TRIGGER market_data_blocks_after_insert AFTER INSERT ON market_data
BEGIN
    DELETE FROM market_data_blocks WHERE symbol = NEW.symbol AND source = NEW.source;
END;

CREATE TRIGGER market_data_blocks_after_update AFTER UPDATE ON market_data
BEGIN
    DELETE FROM market_data_blocks WHERE symbol = OLD.symbol AND source = OLD.source;
    DELETE FROM market_data_blocks WHERE symbol = NEW.symbol AND source = NEW.source;
END;

CREATE TRIGGER market_data_blocks_after_delete AFTER DELETE ON market_data
BEGIN
    DELETE FROM market_data_blocks WHERE symbol = OLD.symbol AND source = OLD.source;
END;
