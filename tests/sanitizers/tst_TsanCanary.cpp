// ThreadSanitizer canaries: each case contains one deliberate data race of a kind Meridian code could have, and the
// tsan ctest entry for it passes only when TSan, run with the project's suppressions (tsan.supp), reports it.
// They prove the suppressions for the uninstrumented Debian Qt (called_from_lib) do not blind TSan to races in
// instrumented code, including code running on threads Qt starts and in memory Qt allocated.
// Not built outside the tsan preset.
#include <QList>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

namespace {

// Both racers stay alive until both have written: TSan (clang 14) reuses a finished thread's slot and can miss a
// race with a thread that has already exited. The rendezvous uses relaxed atomics only, which give TSan no
// happens-before edge, so the writes below stay unordered.
class Rendezvous {
 public:
  void arriveAndWait() {
    m_arrived.fetch_add(1, std::memory_order_relaxed);
    while (m_arrived.load(std::memory_order_relaxed) < 2) std::this_thread::yield();
  }

 private:
  std::atomic<int> m_arrived{0};
};

struct Counter {
  // Deliberately not atomic, no lock: the race under test. Volatile only so that the compiler keeps every increment
  // (a loop folded into one load and one store went unreported in 26 of 200 runs).
  volatile long value = 0;
};

void racyIncrement(volatile long* target, Rendezvous& start, Rendezvous& end) {
  start.arriveAndWait();
  for (int i = 0; i < 1000; ++i) *target = *target + 1;
  end.arriveAndWait();
}

// Two std::threads write the same plain field of a heap object. In rounds, each on a fresh object: TSan's report
// (halt_on_error) ends the process at the first one it sees, and a round it misses is followed by another.
void stdThreads() {
  for (int round = 0; round < 20; ++round) {
    auto counter = std::make_unique<Counter>();
    Rendezvous start, end;
    std::thread a([&] { racyIncrement(&counter->value, start, end); });
    std::thread b([&] { racyIncrement(&counter->value, start, end); });
    a.join();
    b.join();
    std::printf("round %d: value %ld\n", round, counter->value);
  }
}

// A QThread (started inside libQt6Core, a called_from_lib library) and the main thread write the same field.
void qthread() {
  auto counter = std::make_unique<Counter>();
  Rendezvous start, end;
  std::unique_ptr<QThread> worker(QThread::create([&] { racyIncrement(&counter->value, start, end); }));
  worker->start();
  racyIncrement(&counter->value, start, end);
  worker->wait();
  std::printf("value %ld\n", long(counter->value));
}

// Two threads write a buffer QtCore allocated (a QList's heap block): the allocation happened in a called_from_lib
// library, the racing writes are plain read-modify-writes in this file. (Word-sized elements: TSan keeps four
// accesses per 8-byte shadow cell, so byte-wise writes to one cell can evict each other and hide a race.)
void qtMemory() {
  QList<qint64> buffer(8, 0);
  qint64* data = buffer.data();
  Rendezvous start, end;
  auto write = [&](qint64 step) {
    start.arriveAndWait();
    for (int i = 0; i < 1000; ++i) data[i % 8] += step;
    end.arriveAndWait();
  };
  std::thread a(write, 1);
  std::thread b(write, 2);
  a.join();
  b.join();
  std::printf("first %lld\n", static_cast<long long>(buffer.at(0)));
}

}  // namespace

int main(int argc, char** argv) {
  const char* which = argc > 1 ? argv[1] : "";
  if (std::strcmp(which, "std-threads") == 0) stdThreads();
  else if (std::strcmp(which, "qthread") == 0) qthread();
  else if (std::strcmp(which, "qt-memory") == 0) qtMemory();
  else {
    std::fprintf(stderr, "usage: tst_TsanCanary std-threads|qthread|qt-memory\n");
    return 2;
  }
  return 0;
}
