#pragma once
// Read-only view of the effective configuration (Config::dumpRedacted: secrets shown as ***), its sources and
// the warnings produced while loading it.
#include <QDialog>

namespace meridian::common {
class Config;
}

namespace meridian::ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(const common::Config& config, QWidget* parent = nullptr);
};

}  // namespace meridian::ui
