// RateLimiter: token bucket spacing, burst, FIFO across threads, unlimited mode; HttpClient::retryAfter parsing.
#include "core/marketdata/HttpClient.h"
#include "core/marketdata/RateLimiter.h"

#include <QTimeZone>
#include <QtTest>

#include <thread>

using namespace meridian::marketdata;
using namespace std::chrono;

class tst_RateLimiter : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Lower bounds only: a permit is never early. How late a loaded machine wakes a sleeping caller is not the
  // limiter's behaviour, so there is no upper wall-clock bound.
  void spacesPermits() {
    RateLimiter rl(20.0, 1.0);  // one permit every 50 ms
    const auto t0 = steady_clock::now();
    QCOMPARE(rl.acquire(), nanoseconds(0));  // the bucket starts full
    nanoseconds waited{0};
    for (int i = 0; i < 5; ++i) waited += rl.acquire();
    const auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
    QVERIFY2(ms >= 240, qPrintable(QString::number(ms)));  // never faster than 5 waits of 50 ms
    // A caller is told to wait only what the rate needs (less when the machine was slow between calls).
    QVERIFY2(waited <= milliseconds(250), qPrintable(QString::number(waited.count())));
  }

  void burstIsImmediate() {
    RateLimiter rl(1.0, 5.0);
    for (int i = 0; i < 5; ++i) QCOMPARE(rl.acquire(), nanoseconds(0));  // no caller waits within the burst
    QVERIFY(!rl.tryAcquire());
    QVERIFY(rl.timeUntilAvailable() > milliseconds(900));
  }

  void perMinuteDefaultForPolygon() {
    auto rl = RateLimiter::perMinute(4.0);
    QCOMPARE(rl->permitsPerSecond(), 4.0 / 60.0);
    QCOMPARE(rl->burst(), 1.0);
    QVERIFY(rl->tryAcquire());
    const auto wait = rl->timeUntilAvailable();
    QVERIFY(wait > seconds(14) && wait <= seconds(15));  // never more than 4 calls in any minute
  }

  void sharedAcrossThreads() {
    RateLimiter rl(50.0, 1.0);  // 20 ms spacing
    std::vector<std::thread> threads;
    const auto t0 = steady_clock::now();
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 5; ++i) rl.acquire();
      });
    for (auto& t : threads) t.join();
    const auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
    QVERIFY2(ms >= 370, qPrintable(QString::number(ms)));  // 20 permits, 19 waits of 20 ms
  }

  void unlimited() {
    RateLimiter rl(0.0);
    for (int i = 0; i < 1000; ++i) QVERIFY(rl.tryAcquire());
    QCOMPARE(rl.acquire(), nanoseconds(0));
  }

  void retryAfterParsing() {
    HttpResponse r;
    const QDateTime now(QDate(2015, 10, 21), QTime(7, 28), QTimeZone::utc());
    QVERIFY(!HttpClient::retryAfter(r, now));
    r.headers = {{"retry-after", "1"}};
    QCOMPARE(*HttpClient::retryAfter(r, now), milliseconds(1000));
    r.headers = {{"Retry-After", "0.5"}};
    QCOMPARE(*HttpClient::retryAfter(r, now), milliseconds(500));
    r.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"}};
    QCOMPARE(*HttpClient::retryAfter(r, now), milliseconds(30'000));
    r.headers = {{"Retry-After", "soon"}};
    QVERIFY(!HttpClient::retryAfter(r, now));
  }

  void urlHelpers() {
    QCOMPARE(joinUrl(QUrl("http://127.0.0.1:8080/"), "/v2/x").toString(), QString("http://127.0.0.1:8080/v2/x"));
    QCOMPARE(joinUrl(QUrl("https://proxy.local/md"), "v2/x").toString(), QString("https://proxy.local/md/v2/x"));
    QCOMPARE(encodeSegment("^GSPC"), QString("%5EGSPC"));
    QCOMPARE(HttpClient::describe(QUrl("https://api.polygon.io/v2/aggs?apiKey=SECRET")),
             std::string("https://api.polygon.io/v2/aggs"));
  }
};

QTEST_GUILESS_MAIN(tst_RateLimiter)
#include "tst_RateLimiter.moc"
