// CandleView pixels: every drawing layer renders into a fixed-size grab of fixed bars (light and dark palettes,
// crosshair in the price and volume panes, every marker kind, sub-pixel aggregation, empty/loading/too-small states),
// and known pixels carry the colour of what is drawn there (background, rising and falling bodies, volume bars,
// fill markers, last-price tag).
//
// Refactoring the painting code: run once with MERIDIAN_CANDLEVIEW_GOLDEN=<dir> before the change (writes one PNG
// per scenario) and again after it (compares against them and fails on any differing pixel).
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_CandleViewPixels
#include <QtTest>

#include <QDir>
#include <QImage>
#include <QPalette>

#include <cmath>
#include <random>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/CandleView.h"

using namespace meridian;
using domain::Bar;
using domain::Timestamp;
using ui::CandleView;
using ui::ChartMarker;

namespace {

constexpr QSize kSize(900, 520);

Timestamp et(int y, int mo, int d, int h, int mi) { return time::TimeZones::fromExchange(QDate(y, mo, d), QTime(h, mi)); }

// Deterministic random walk of 1-minute bars from 2026-01-06 09:30 ET.
std::vector<Bar> walk(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> ret(0.0, 0.004);
  std::uniform_real_distribution<double> wick(0.0, 0.004);
  std::uniform_real_distribution<double> vol(100.0, 10'000.0);
  std::vector<Bar> out(n);
  double px = 100.0;
  const Timestamp start = et(2026, 1, 6, 9, 30);
  for (std::size_t i = 0; i < n; ++i) {
    Bar& b = out[i];
    b.ts = start + static_cast<Timestamp>(i) * domain::kNanosPerMinute;
    b.open = px;
    px *= 1.0 + ret(rng);
    b.close = px;
    b.high = std::max(b.open, b.close) * (1.0 + wick(rng));
    b.low = std::min(b.open, b.close) * (1.0 - wick(rng));
    b.volume = std::round(vol(rng));
  }
  return out;
}

std::vector<ChartMarker> markersFor(const std::vector<Bar>& bars) {
  using K = ChartMarker::Kind;
  const K kinds[] = {K::Buy, K::Sell, K::SignalLong, K::SignalShort, K::SignalExit};
  std::vector<ChartMarker> out;
  for (std::size_t i = 10, k = 0; i < bars.size(); i += 17, ++k) {
    const K kind = kinds[k % 5];
    const double price = kind == K::Sell ? bars[i].high : bars[i].low;
    out.push_back(ChartMarker{bars[i].ts, price, kind, QStringLiteral("marker %1").arg(i)});
  }
  return out;
}

void allOverlays(CandleView& v) {
  for (int o = 0; o < static_cast<int>(CandleView::Overlay::Count); ++o) v.setOverlayVisible(static_cast<CandleView::Overlay>(o), true);
}

void darken(CandleView& v) {
  QPalette pal = v.palette();
  pal.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
  pal.setColor(QPalette::WindowText, QColor(0xdd, 0xdd, 0xdd));
  v.setPalette(pal);
}

QImage grab(CandleView& v) {
  v.resize(kSize);
  return v.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

QColor mix(const QColor& fg, int alpha, const QColor& bg) {  // CandleView's opaque volume colour
  const auto m = [alpha](int f, int b) { return (f * alpha + b * (255 - alpha) + 127) / 255; };
  return QColor(m(fg.red(), bg.red()), m(fg.green(), bg.green()), m(fg.blue(), bg.blue()));
}

QColor at(const QImage& img, double x, double y) { return img.pixelColor(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y))); }

}  // namespace

class tst_CandleViewPixels : public QObject {
  Q_OBJECT

  // With MERIDIAN_CANDLEVIEW_GOLDEN set: writes `name`.png there, or compares with it when it exists.
  void golden(const QString& name, const QImage& img) {
    const QString dir = qEnvironmentVariable("MERIDIAN_CANDLEVIEW_GOLDEN");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!QFile::exists(path)) {
      QVERIFY(img.save(path));
      ++m_written;
      return;
    }
    const QImage ref = QImage(path).convertToFormat(QImage::Format_RGB32);
    QCOMPARE(ref.size(), img.size());
    qint64 differing = 0;
    for (int y = 0; y < img.height(); ++y)
      for (int x = 0; x < img.width(); ++x) differing += ref.pixel(x, y) != img.pixel(x, y);
    qInfo("%s: %lld of %lld pixels differ", qPrintable(name), differing, qint64(img.width()) * img.height());
    ++m_compared;
    QCOMPARE(differing, qint64(0));
  }

  int m_written = 0;
  int m_compared = 0;

 private Q_SLOTS:
  void initTestCase() { time::TimeZones::setDisplayTimeZone("America/New_York"); }
  void cleanupTestCase() {
    if (m_written + m_compared > 0) qInfo("golden images: %d written, %d compared", m_written, m_compared);
  }

  // Every layer at once, light and dark, without and with the crosshair (price pane, then volume pane).
  void allLayers_data() {
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
  }
  void allLayers() {
    QFETCH(bool, dark);
    const QString tag = dark ? QStringLiteral("dark") : QStringLiteral("light");
    CandleView v;
    if (dark) darken(v);
    v.setSymbol(QStringLiteral("AAPL"));
    const auto bars = walk(240, 7);
    v.setBars(bars);
    allOverlays(v);
    v.setMarkers(markersFor(bars));
    v.resetZoom();
    golden(tag + QStringLiteral("_layers"), grab(v));
    QVERIFY(!v.paintedMarkers().empty());

    // Crosshair on a marker's bar, in the price pane: price and time tags, marker text in the readout.
    const ChartMarker& mk = v.markers()[v.markers().size() - 3];
    const auto& cols = v.columns();
    const auto it = std::find_if(cols.begin(), cols.end(), [&](const ui::ChartColumn& c) {
      return v.series().bars()[c.first].ts == mk.ts;
    });
    QVERIFY(it != cols.end());
    v.setCrosshair(QPointF(it->x + 1.0, v.pricePlotRect().center().y()));
    const QImage hover = grab(v);
    QVERIFY2(v.readoutText().contains(mk.text), qPrintable(v.readoutText()));
    golden(tag + QStringLiteral("_hover_price"), hover);
    v.setCrosshair(QPointF(it->x, v.pricePlotRect().bottom() + 12.0));
    golden(tag + QStringLiteral("_hover_volume"), grab(v));
  }

  // A million pixels' worth of bars: each pixel column aggregates several (aliased lines, min/max wicks).
  void subPixelColumns() {
    CandleView v;
    v.setSymbol(QStringLiteral("SPY"));
    const auto bars = walk(20'000, 11);
    v.setBars(bars);
    allOverlays(v);
    v.setMarkers(markersFor(bars));
    v.fitAll();
    const QImage img = grab(v);
    QVERIFY(v.barSpacing() < 1.0);
    QVERIFY(v.columns().front().last - v.columns().front().first > 1);
    golden(QStringLiteral("subpixel"), img);
  }

  // Zoomed in and panned off the newest bars (not following); a single flat price; panes hidden.
  void zoomFlatAndPanes() {
    CandleView v;
    v.setSymbol(QStringLiteral("MSFT"));
    v.setBars(walk(400, 3));
    v.zoomBy(CandleView::kMaxSpacing / CandleView::kDefaultSpacing);
    v.panBars(-150);
    const QImage zoomed = grab(v);
    QVERIFY(!v.followingLatest());
    golden(QStringLiteral("zoomed_panned"), zoomed);

    std::vector<Bar> flat = walk(50, 5);
    for (Bar& b : flat) b.open = b.high = b.low = b.close = 42.0;
    v.setBars(flat);
    golden(QStringLiteral("flat"), grab(v));

    v.setBars(walk(120, 9));
    v.setPaneVisible(CandleView::Pane::Volume, false);
    v.setPaneVisible(CandleView::Pane::Rsi, false);
    golden(QStringLiteral("no_volume_no_rsi"), grab(v));
    v.setPaneVisible(CandleView::Pane::Macd, false);
    golden(QStringLiteral("no_panes"), grab(v));
  }

  // States without candles: no symbol, loading, no data; a loading badge over bars; a plot too small to draw.
  void emptyAndLoading() {
    CandleView v;
    golden(QStringLiteral("no_symbol"), grab(v));
    v.setSymbol(QStringLiteral("NVDA"));
    golden(QStringLiteral("no_data"), grab(v));
    v.setLoading(true);
    golden(QStringLiteral("loading_empty"), grab(v));
    v.setBars(walk(80, 13));
    golden(QStringLiteral("loading_badge"), grab(v));
    v.setLoading(false);
    v.resize(400, 70);
    const QImage tiny = v.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QVERIFY(v.pricePlotRect().height() < 10.0);
    QVERIFY(v.readoutText().isEmpty());
    golden(QStringLiteral("too_small"), tiny);
  }

  // Known pixels: each drawn element is where the scales put it, in its colour.
  void knownPixels() {
    CandleView v;
    v.setSymbol(QStringLiteral("KO"));
    for (int o = 0; o < static_cast<int>(CandleView::Overlay::Count); ++o)
      v.setOverlayVisible(static_cast<CandleView::Overlay>(o), false);
    std::vector<Bar> bars;
    for (int i = 0; i < 40; ++i) {
      const bool up = i % 2 == 0;
      const double mid = 100.0 + (i % 7);
      bars.push_back(Bar{et(2026, 1, 6, 10, i), up ? mid - 2.0 : mid + 2.0, mid + 3.0, mid - 3.0, up ? mid + 2.0 : mid - 2.0,
                         1'000.0 + 100.0 * i, 0.0, 0});
    }
    v.setBars(bars);
    v.setMarkers({ChartMarker{bars[20].ts, bars[20].low, ChartMarker::Kind::Buy, QStringLiteral("BUY")},
                  ChartMarker{bars[21].ts, bars[21].high, ChartMarker::Kind::Sell, QStringLiteral("SELL")}});
    v.zoomBy(30.0 / CandleView::kDefaultSpacing);
    const QImage img = grab(v);
    const QColor bg(Qt::white), up = ui::format::upColor(), down = ui::format::downColor();
    QCOMPARE(img.pixelColor(0, 0), bg);
    QCOMPARE(img.pixelColor(img.width() - 1, img.height() - 1), bg);

    const auto& cols = v.columns();
    QVERIFY(cols.size() > 10);
    const QRectF pr = v.pricePlotRect();
    const double lastY = v.yOfPrice(bars.back().close);  // the dashed last-price line crosses the plot there
    int checked = 0;
    for (const ui::ChartColumn& c : cols) {
      if (c.first == 20 || c.first == 21 || c.x < pr.left() + 12.0) continue;  // markers; partly off the plot
      const bool rising = c.close >= c.open;
      // Inside the body (4 px right of the wick, a dollar above its centre) in the candle's colour.
      const double y = v.yOfPrice((c.open + c.close) / 2.0 + 1.0);
      if (std::abs(y - lastY) < 3.0) continue;
      QCOMPARE(at(img, c.x + 4.0, y), rising ? up : down);
      // Below the price pane, the same x crosses the volume bar: the candle's colour blended opaque over the
      // background (110/255), so volume never hides the grid behind alpha.
      const QColor vol = mix(rising ? up : down, 110, bg);
      bool found = false;
      for (int py = static_cast<int>(pr.bottom()) + 1; py < img.height() && !found; ++py) found = at(img, c.x + 4.0, py) == vol;
      QVERIFY2(found, qPrintable(QStringLiteral("no volume bar under bar %1").arg(c.first)));
      ++checked;
    }
    QVERIFY(checked > 10);
    // Buy triangle below bar 20's low, sell triangle above bar 21's high, solid in the fill colours.
    const auto col20 = std::find_if(cols.begin(), cols.end(), [](const ui::ChartColumn& c) { return c.first == 20; });
    QVERIFY(col20 != cols.end());
    QCOMPARE(at(img, col20->x, v.yOfPrice(bars[20].low) + 7.0), up);
    QCOMPARE(at(img, (col20 + 1)->x, v.yOfPrice(bars[21].high) - 7.0), down);
  }
};

QTEST_MAIN(tst_CandleViewPixels)
#include "tst_CandleViewPixels.moc"
