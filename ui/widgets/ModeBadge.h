#pragma once
// Big, unmistakable trading-mode badge: green "PAPER" or red "LIVE".
#include <QLabel>

namespace meridian::ui {

class ModeBadge : public QLabel {
  Q_OBJECT

 public:
  enum class Size { Normal, Large };
  explicit ModeBadge(bool paper, Size size = Size::Normal, QWidget* parent = nullptr);

  bool isPaper() const { return m_paper; }
  void setPaper(bool paper);

 private:
  bool m_paper = true;
  Size m_size = Size::Normal;
};

}  // namespace meridian::ui
