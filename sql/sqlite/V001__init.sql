-- Meridian SQLite schema, version 1: the same logical tables as sql/postgres/V001__init.sql without schemas
-- (data_ingestion.market_data -> market_data, ...). Applied by core/storage (MigrationRunner) inside one
-- transaction; recorded in schema_migrations. Connection settings (WAL, foreign_keys, busy_timeout) are
-- per-connection PRAGMAs issued by SqliteStorage::open(), not part of the schema.
-- Every *_ts column is INTEGER UTC nanoseconds; JSON columns hold JSON text.

-- data_ingestion ------------------------------------------------------------------------------------------

CREATE TABLE market_data (
    symbol  TEXT    NOT NULL,
    ts      INTEGER NOT NULL,
    source  TEXT    NOT NULL,
    open    REAL    NOT NULL,
    high    REAL    NOT NULL,
    low     REAL    NOT NULL,
    close   REAL    NOT NULL,
    volume  REAL    NOT NULL DEFAULT 0,
    vwap    REAL    NOT NULL DEFAULT 0,
    trades  INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT market_data_pkey PRIMARY KEY (symbol, source, ts),
    CONSTRAINT market_data_prices_positive CHECK (open > 0 AND high > 0 AND low > 0 AND close > 0),
    CONSTRAINT market_data_low_le_open_close CHECK (low <= MIN(open, close)),
    CONSTRAINT market_data_high_ge_open_close CHECK (high >= MAX(open, close)),
    CONSTRAINT market_data_volume_nonneg CHECK (volume >= 0),
    CONSTRAINT market_data_vwap_nonneg CHECK (vwap >= 0),
    CONSTRAINT market_data_trades_nonneg CHECK (trades >= 0)
) WITHOUT ROWID;

CREATE TABLE symbols (
    symbol       TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL DEFAULT '',
    exchange     TEXT    NOT NULL DEFAULT '',
    asset_class  TEXT    NOT NULL DEFAULT 'equity' CHECK (asset_class IN ('equity', 'etf', 'index')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    delisted_ts  INTEGER,
    tick_size    REAL    NOT NULL DEFAULT 0.01 CHECK (tick_size > 0),
    lot_size     REAL    NOT NULL DEFAULT 1 CHECK (lot_size > 0),
    updated_ts   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX symbols_active_idx ON symbols (active);

CREATE TABLE company_info (
    symbol       TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL DEFAULT '',
    sector       TEXT    NOT NULL DEFAULT '',
    industry     TEXT    NOT NULL DEFAULT '',
    country      TEXT    NOT NULL DEFAULT '',
    website      TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL DEFAULT '',
    employees    INTEGER,
    updated_ts   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE key_statistics (
    symbol               TEXT    NOT NULL,
    as_of_ts             INTEGER NOT NULL,
    market_cap           REAL,
    pe_ratio             REAL,
    forward_pe           REAL,
    eps                  REAL,
    dividend_yield       REAL,
    beta                 REAL,
    fifty_two_week_high  REAL,
    fifty_two_week_low   REAL,
    avg_volume           REAL,
    shares_outstanding   REAL,
    PRIMARY KEY (symbol, as_of_ts)
);

CREATE TABLE load_runs (
    symbol          TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    last_loaded_ts  INTEGER NOT NULL,
    updated_ts      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (symbol, source)
);

-- execution -----------------------------------------------------------------------------------------------

CREATE TABLE orders (
    client_order_id  TEXT    PRIMARY KEY,
    broker_order_id  TEXT    NOT NULL DEFAULT '',
    symbol           TEXT    NOT NULL,
    side             TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
    type             TEXT    NOT NULL
                     CHECK (type IN ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')),
    tif              TEXT    NOT NULL CHECK (tif IN ('day', 'gtc', 'ioc', 'fok')),
    quantity         REAL    NOT NULL CHECK (quantity > 0),
    limit_price      REAL    NOT NULL DEFAULT 0,
    stop_price       REAL    NOT NULL DEFAULT 0,
    trail_percent    REAL    NOT NULL DEFAULT 0,
    status           TEXT    NOT NULL
                     CHECK (status IN ('new', 'pending_submit', 'accepted', 'partially_filled', 'filled',
                                       'pending_cancel', 'cancelled', 'rejected', 'expired', 'replaced')),
    filled_quantity  REAL    NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    avg_fill_price   REAL    NOT NULL DEFAULT 0,
    strategy_id      TEXT    NOT NULL DEFAULT '',
    parent_id        TEXT    NOT NULL DEFAULT '',
    reject_reason    TEXT    NOT NULL DEFAULT '',
    created_ts       INTEGER NOT NULL,
    updated_ts       INTEGER NOT NULL
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_created_idx ON orders (created_ts);
CREATE INDEX orders_symbol_idx ON orders (symbol);
CREATE INDEX orders_broker_idx ON orders (broker_order_id) WHERE broker_order_id <> '';

CREATE TABLE fills (
    fill_id          TEXT    PRIMARY KEY,
    client_order_id  TEXT    NOT NULL REFERENCES orders (client_order_id),
    symbol           TEXT    NOT NULL,
    side             TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity         REAL    NOT NULL CHECK (quantity > 0),
    price            REAL    NOT NULL CHECK (price > 0),
    commission       REAL    NOT NULL DEFAULT 0,
    ts               INTEGER NOT NULL,
    strategy_id      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX fills_order_idx ON fills (client_order_id);
CREATE INDEX fills_ts_idx ON fills (ts);

CREATE TABLE positions (
    symbol        TEXT    NOT NULL,
    strategy_id   TEXT    NOT NULL DEFAULT '',
    quantity      REAL    NOT NULL,
    avg_cost      REAL    NOT NULL DEFAULT 0,
    realized_pnl  REAL    NOT NULL DEFAULT 0,
    last_price    REAL    NOT NULL DEFAULT 0,
    updated_ts    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (symbol, strategy_id)
);

-- strategy_engine, risk_management, notification ---------------------------------------------------------

CREATE TABLE strategy_state (
    strategy_id  TEXT    PRIMARY KEY,
    params       TEXT    NOT NULL DEFAULT '{}',
    state        TEXT    NOT NULL DEFAULT '{}',
    updated_ts   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE risk_events (
    id               INTEGER PRIMARY KEY,
    ts               INTEGER NOT NULL,
    rule             TEXT    NOT NULL,
    symbol           TEXT    NOT NULL DEFAULT '',
    client_order_id  TEXT    NOT NULL DEFAULT '',
    reason           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX risk_events_ts_idx ON risk_events (ts);

CREATE TABLE notifications (
    id       INTEGER PRIMARY KEY,
    ts       INTEGER NOT NULL,
    channel  TEXT    NOT NULL,
    subject  TEXT    NOT NULL DEFAULT '',
    body     TEXT    NOT NULL DEFAULT '',
    status   TEXT    NOT NULL DEFAULT 'pending'
);
CREATE INDEX notifications_ts_idx ON notifications (ts);

-- analytics -----------------------------------------------------------------------------------------------

CREATE TABLE backtest_runs (
    id            INTEGER PRIMARY KEY,
    strategy      TEXT    NOT NULL,
    params        TEXT    NOT NULL DEFAULT '{}',
    symbols       TEXT    NOT NULL DEFAULT '[]',
    start_ts      INTEGER NOT NULL,
    end_ts        INTEGER NOT NULL,
    created_ts    INTEGER NOT NULL,
    final_value   REAL    NOT NULL DEFAULT 0,
    metrics       TEXT    NOT NULL DEFAULT '{}',
    equity_curve  TEXT    NOT NULL DEFAULT '[]',
    trades        TEXT    NOT NULL DEFAULT '[]',
    CHECK (end_ts >= start_ts)
);
CREATE INDEX backtest_runs_created_idx ON backtest_runs (created_ts);

-- logging -------------------------------------------------------------------------------------------------

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job_name     TEXT    NOT NULL,
    started_ts   INTEGER NOT NULL,
    finished_ts  INTEGER,
    status       TEXT    NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    message      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_name_started_idx ON job_runs (job_name, started_ts);

CREATE TABLE logs (
    id       INTEGER PRIMARY KEY,
    ts       INTEGER NOT NULL,
    level    TEXT    NOT NULL,
    logger   TEXT    NOT NULL DEFAULT '',
    message  TEXT    NOT NULL
);
CREATE INDEX logs_ts_idx ON logs (ts);
