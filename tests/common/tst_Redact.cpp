#include "core/common/Redact.h"

#include <QtTest>

using meridian::common::redact;

class tst_Redact : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void cleanup() { meridian::common::clearRegisteredSecrets(); }
  void plainTextUnchanged() {
    QCOMPARE(redact("filled 100 AAPL @ 187.25"), std::string("filled 100 AAPL @ 187.25"));
    QCOMPARE(redact("ratio: 0.7"), std::string("ratio: 0.7"));
  }
  void registeredSecretsMasked() {
    meridian::common::registerSecret("AKXYZ123456");
    QCOMPARE(redact("key AKXYZ123456 used twice AKXYZ123456"), std::string("key *** used twice ***"));
  }
  void shortSecretsIgnored() {
    meridian::common::registerSecret("ab");
    QCOMPARE(redact("abc tab"), std::string("abc tab"));
  }
  void uriPasswords() {
    QCOMPARE(redact("connect postgresql://me:s3cr3t@db:5432/x failed"),
             std::string("connect postgresql://me:***@db:5432/x failed"));
    QCOMPARE(redact("redis://:pw123@127.0.0.1:6379"), std::string("redis://:***@127.0.0.1:6379"));
    QCOMPARE(redact("http://host:8080/path"), std::string("http://host:8080/path"));
  }
  void keyValuePairs() {
    QCOMPARE(redact("GET /v2?apiKey=abcdef123&x=1"), std::string("GET /v2?apiKey=***&x=1"));
    QCOMPARE(redact(R"({"secret_key": "zzz999", "qty": "5"})"), std::string(R"({"secret_key": "***", "qty": "5"})"));
    QCOMPARE(redact("APCA-API-SECRET-KEY: abcdefgh"), std::string("APCA-API-SECRET-KEY: ***"));
    QCOMPARE(redact("Authorization: Bearer tok.en.value"), std::string("Authorization: Bearer ***"));
    QCOMPARE(redact("password=hunter2 user=bob"), std::string("password=*** user=bob"));
  }
};

QTEST_APPLESS_MAIN(tst_Redact)
#include "tst_Redact.moc"
