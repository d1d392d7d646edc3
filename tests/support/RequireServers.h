#pragma once
// A test that cannot run here (no server URL, no redis-server binary, no TLS backend) skips, unless the run
// demands everything (MERIDIAN_REQUIRE_SERVERS=1: tests/run-all.sh and CI): then the same condition fails, so a
// missing dependency can never pass as a green suite. Use inside a test function (or initTestCase):
//   if (QStandardPaths::findExecutable("redis-server").isEmpty()) MERIDIAN_SKIP_OR_FAIL("redis-server not installed");
#include <QtTest>

namespace meridian::test {
inline bool serversRequired() { return qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"); }
}  // namespace meridian::test

#define MERIDIAN_SKIP_OR_FAIL(reason)                                                     \
  do {                                                                                   \
    if (::meridian::test::serversRequired()) QFAIL(reason " but MERIDIAN_REQUIRE_SERVERS=1"); \
    QSKIP(reason);                                                                       \
  } while (false)
