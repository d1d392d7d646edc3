#pragma once
// ECOMPARE: QCOMPARE for the enums the reliability tests compare. (QCOMPARE itself cannot print them: their
// toString(...) functions return string_view and win over QTest::toString by argument-dependent lookup.)
#include "core/contract/System.h"
#include "core/domain/Types.h"
#include "core/execution/IBroker.h"

#include <QtTest>

#include <string>

namespace meridian::testsupport {
inline std::string label(domain::OrderStatus s) { return std::string(domain::toString(s)); }
inline std::string label(execution::BrokerConnectivity c) { return std::string(execution::toString(c)); }
inline std::string label(contract::HealthState s) { return std::string(contract::toString(s)); }
}  // namespace meridian::testsupport

#define ECOMPARE(actual, expected)                                                                          \
  do {                                                                                                      \
    const auto ecActual_ = (actual);                                                                        \
    const auto ecExpected_ = (expected);                                                                    \
    QVERIFY2(ecActual_ == ecExpected_,                                                                      \
             qPrintable(QStringLiteral("%1: got %2, expected %3")                                           \
                            .arg(QStringLiteral(#actual),                                                   \
                                 QString::fromStdString(::meridian::testsupport::label(ecActual_)),         \
                                 QString::fromStdString(::meridian::testsupport::label(ecExpected_)))));    \
  } while (false)
