-- Meridian PostgreSQL schema, version 1.
-- Applied by core/storage (MigrationRunner) inside one transaction; recorded in public.schema_migrations.
-- Conventions: every *_ts column is BIGINT UTC nanoseconds since the Unix epoch (domain::Timestamp);
-- enum-like TEXT columns hold the lower-case wire names of core/domain/Types.h.
-- One schema per former Python service.

CREATE SCHEMA IF NOT EXISTS data_ingestion;
CREATE SCHEMA IF NOT EXISTS strategy_engine;
CREATE SCHEMA IF NOT EXISTS execution;
CREATE SCHEMA IF NOT EXISTS risk_management;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS notification;
CREATE SCHEMA IF NOT EXISTS logging;

-- ---------------------------------------------------------------------------------------------------------
-- data_ingestion
-- ---------------------------------------------------------------------------------------------------------

-- OHLCV bars. Key (symbol, source, ts): same uniqueness as (symbol, ts, source), column order chosen so the
-- primary-key index serves the range scan "symbol = ? AND source = ? AND ts BETWEEN ? AND ?".
-- The OHLC rules mirror domain::isSane(); vwap/trades are 0 when unknown.
CREATE TABLE data_ingestion.market_data (
    symbol  TEXT             NOT NULL,
    ts      BIGINT           NOT NULL,
    source  TEXT             NOT NULL,
    open    DOUBLE PRECISION NOT NULL,
    high    DOUBLE PRECISION NOT NULL,
    low     DOUBLE PRECISION NOT NULL,
    close   DOUBLE PRECISION NOT NULL,
    volume  DOUBLE PRECISION NOT NULL DEFAULT 0,
    vwap    DOUBLE PRECISION NOT NULL DEFAULT 0,
    trades  BIGINT           NOT NULL DEFAULT 0,
    CONSTRAINT market_data_pkey PRIMARY KEY (symbol, source, ts),
    CONSTRAINT market_data_prices_positive CHECK (open > 0 AND high > 0 AND low > 0 AND close > 0),
    CONSTRAINT market_data_low_le_open_close CHECK (low <= LEAST(open, close)),
    CONSTRAINT market_data_high_ge_open_close CHECK (high >= GREATEST(open, close)),
    CONSTRAINT market_data_volume_nonneg CHECK (volume >= 0),
    CONSTRAINT market_data_vwap_nonneg CHECK (vwap >= 0),
    CONSTRAINT market_data_trades_nonneg CHECK (trades >= 0)
);

CREATE TABLE data_ingestion.symbols (
    symbol       TEXT             PRIMARY KEY,
    name         TEXT             NOT NULL DEFAULT '',
    exchange     TEXT             NOT NULL DEFAULT '',
    asset_class  TEXT             NOT NULL DEFAULT 'equity'
                 CHECK (asset_class IN ('equity', 'etf', 'index')),
    active       BOOLEAN          NOT NULL DEFAULT TRUE,
    delisted_ts  BIGINT,
    tick_size    DOUBLE PRECISION NOT NULL DEFAULT 0.01 CHECK (tick_size > 0),
    lot_size     DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (lot_size > 0),
    updated_ts   BIGINT           NOT NULL DEFAULT 0
);
CREATE INDEX symbols_active_idx ON data_ingestion.symbols (active);

CREATE TABLE data_ingestion.company_info (
    symbol       TEXT   PRIMARY KEY,
    name         TEXT   NOT NULL DEFAULT '',
    sector       TEXT   NOT NULL DEFAULT '',
    industry     TEXT   NOT NULL DEFAULT '',
    country      TEXT   NOT NULL DEFAULT '',
    website      TEXT   NOT NULL DEFAULT '',
    description  TEXT   NOT NULL DEFAULT '',
    employees    BIGINT,
    updated_ts   BIGINT NOT NULL DEFAULT 0
);

-- Fundamentals snapshot; NULL = not reported by the source.
CREATE TABLE data_ingestion.key_statistics (
    symbol               TEXT             NOT NULL,
    as_of_ts             BIGINT           NOT NULL,
    market_cap           DOUBLE PRECISION,
    pe_ratio             DOUBLE PRECISION,
    forward_pe           DOUBLE PRECISION,
    eps                  DOUBLE PRECISION,
    dividend_yield       DOUBLE PRECISION,
    beta                 DOUBLE PRECISION,
    fifty_two_week_high  DOUBLE PRECISION,
    fifty_two_week_low   DOUBLE PRECISION,
    avg_volume           DOUBLE PRECISION,
    shares_outstanding   DOUBLE PRECISION,
    PRIMARY KEY (symbol, as_of_ts)
);

-- Incremental-load bookkeeping: the newest bar ts loaded per (symbol, source).
CREATE TABLE data_ingestion.load_runs (
    symbol          TEXT   NOT NULL,
    source          TEXT   NOT NULL,
    last_loaded_ts  BIGINT NOT NULL,
    updated_ts      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (symbol, source)
);

-- ---------------------------------------------------------------------------------------------------------
-- execution
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE execution.orders (
    client_order_id  TEXT             PRIMARY KEY,
    broker_order_id  TEXT             NOT NULL DEFAULT '',
    symbol           TEXT             NOT NULL,
    side             TEXT             NOT NULL CHECK (side IN ('buy', 'sell')),
    type             TEXT             NOT NULL
                     CHECK (type IN ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')),
    tif              TEXT             NOT NULL CHECK (tif IN ('day', 'gtc', 'ioc', 'fok')),
    quantity         DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
    limit_price      DOUBLE PRECISION NOT NULL DEFAULT 0,
    stop_price       DOUBLE PRECISION NOT NULL DEFAULT 0,
    trail_percent    DOUBLE PRECISION NOT NULL DEFAULT 0,
    status           TEXT             NOT NULL
                     CHECK (status IN ('new', 'pending_submit', 'accepted', 'partially_filled', 'filled',
                                       'pending_cancel', 'cancelled', 'rejected', 'expired', 'replaced')),
    filled_quantity  DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    avg_fill_price   DOUBLE PRECISION NOT NULL DEFAULT 0,
    strategy_id      TEXT             NOT NULL DEFAULT '',
    parent_id        TEXT             NOT NULL DEFAULT '',
    reject_reason    TEXT             NOT NULL DEFAULT '',
    created_ts       BIGINT           NOT NULL,
    updated_ts       BIGINT           NOT NULL
);
CREATE INDEX orders_status_idx ON execution.orders (status);
CREATE INDEX orders_created_idx ON execution.orders (created_ts);
CREATE INDEX orders_symbol_idx ON execution.orders (symbol);
CREATE INDEX orders_broker_idx ON execution.orders (broker_order_id) WHERE broker_order_id <> '';

CREATE TABLE execution.fills (
    fill_id          TEXT             PRIMARY KEY,
    client_order_id  TEXT             NOT NULL REFERENCES execution.orders (client_order_id),
    symbol           TEXT             NOT NULL,
    side             TEXT             NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity         DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
    price            DOUBLE PRECISION NOT NULL CHECK (price > 0),
    commission       DOUBLE PRECISION NOT NULL DEFAULT 0,
    ts               BIGINT           NOT NULL,
    strategy_id      TEXT             NOT NULL DEFAULT ''
);
CREATE INDEX fills_order_idx ON execution.fills (client_order_id);
CREATE INDEX fills_ts_idx ON execution.fills (ts);

CREATE TABLE execution.positions (
    symbol        TEXT             NOT NULL,
    strategy_id   TEXT             NOT NULL DEFAULT '',
    quantity      DOUBLE PRECISION NOT NULL,
    avg_cost      DOUBLE PRECISION NOT NULL DEFAULT 0,
    realized_pnl  DOUBLE PRECISION NOT NULL DEFAULT 0,
    last_price    DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_ts    BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (symbol, strategy_id)
);

-- ---------------------------------------------------------------------------------------------------------
-- strategy_engine, risk_management, notification
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE strategy_engine.strategy_state (
    strategy_id  TEXT   PRIMARY KEY,
    params       JSONB  NOT NULL DEFAULT '{}'::jsonb,
    state        JSONB  NOT NULL DEFAULT '{}'::jsonb,
    updated_ts   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE risk_management.risk_events (
    id               BIGSERIAL PRIMARY KEY,
    ts               BIGINT    NOT NULL,
    rule             TEXT      NOT NULL,
    symbol           TEXT      NOT NULL DEFAULT '',
    client_order_id  TEXT      NOT NULL DEFAULT '',
    reason           TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX risk_events_ts_idx ON risk_management.risk_events (ts);

CREATE TABLE notification.notifications (
    id       BIGSERIAL PRIMARY KEY,
    ts       BIGINT    NOT NULL,
    channel  TEXT      NOT NULL,
    subject  TEXT      NOT NULL DEFAULT '',
    body     TEXT      NOT NULL DEFAULT '',
    status   TEXT      NOT NULL DEFAULT 'pending'
);
CREATE INDEX notifications_ts_idx ON notification.notifications (ts);

-- ---------------------------------------------------------------------------------------------------------
-- analytics
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE analytics.backtest_runs (
    id            BIGSERIAL        PRIMARY KEY,
    strategy      TEXT             NOT NULL,
    params        JSONB            NOT NULL DEFAULT '{}'::jsonb,
    symbols       JSONB            NOT NULL DEFAULT '[]'::jsonb,   -- JSON array of symbols
    start_ts      BIGINT           NOT NULL,
    end_ts        BIGINT           NOT NULL,
    created_ts    BIGINT           NOT NULL,
    final_value   DOUBLE PRECISION NOT NULL DEFAULT 0,
    metrics       JSONB            NOT NULL DEFAULT '{}'::jsonb,
    equity_curve  JSONB            NOT NULL DEFAULT '[]'::jsonb,
    trades        JSONB            NOT NULL DEFAULT '[]'::jsonb,
    CHECK (end_ts >= start_ts)
);
CREATE INDEX backtest_runs_created_idx ON analytics.backtest_runs (created_ts);

-- ---------------------------------------------------------------------------------------------------------
-- logging
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE logging.job_runs (
    id           BIGSERIAL PRIMARY KEY,
    job_name     TEXT      NOT NULL,
    started_ts   BIGINT    NOT NULL,
    finished_ts  BIGINT,
    status       TEXT      NOT NULL,   -- free text owned by jobs/: running, succeeded, failed, ...
    attempt      INTEGER   NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    message      TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_name_started_idx ON logging.job_runs (job_name, started_ts);

CREATE TABLE logging.logs (
    id       BIGSERIAL PRIMARY KEY,
    ts       BIGINT    NOT NULL,
    level    TEXT      NOT NULL,
    logger   TEXT      NOT NULL DEFAULT '',
    message  TEXT      NOT NULL
);
CREATE INDEX logs_ts_idx ON logging.logs (ts);
