#pragma once
// Ops dock models, fed by the latest contract::HealthSnapshot.
//   HealthModel      one row per component: DB, Redis, data providers, broker
//   FreshnessModel   one row per market-data stream (symbol, kind, source): last data, age, fresh/stale
//   LanesModel       one row per bus mailbox: commands/events queued now and at peak, market data coalesced,
//                    commands refused because the mailbox was full
#include <QAbstractTableModel>
#include <QColor>

#include <memory>

#include "core/contract/System.h"

namespace meridian::ui {

class HealthModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Component, State, Detail, Latency, Checked, ColumnCount };

  explicit HealthModel(QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot);
  bool hasData() const { return static_cast<bool>(m_snapshot); }
  std::shared_ptr<const contract::HealthSnapshot> snapshot() const { return m_snapshot; }

  static QString stateText(contract::HealthState s);   // "● OK", "● Down", ...
  static QColor stateColor(contract::HealthState s);

 private:
  std::shared_ptr<const contract::HealthSnapshot> m_snapshot;
};

class FreshnessModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Symbol, Kind, Source, LastData, Age, State, ColumnCount };

  explicit FreshnessModel(QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot);
  int staleCount() const;

 private:
  std::shared_ptr<const contract::HealthSnapshot> m_snapshot;
};

class LanesModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Mailbox, Queued, Peak, Coalesced, Refused, ColumnCount };

  explicit LanesModel(QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot);
  std::uint64_t refusedTotal() const;
  std::uint64_t coalescedTotal() const;

 private:
  std::shared_ptr<const contract::HealthSnapshot> m_snapshot;
};

}  // namespace meridian::ui
