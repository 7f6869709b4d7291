#include "framework/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace wb {

int thread_count() {
    static const int count = [] {
        if (const char* env = std::getenv("WB_THREADS")) {
            const int n = std::atoi(env);
            if (n > 0) return n;
        }
        return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }();
    return count;
}

namespace {

// How long a thread spins on an atomic before it sleeps on a condition variable. A condition variable
// round trip (wake a worker, wait for it to finish) measured 23 us here, a sixth of a whole batch's
// convolution; spinning answers in about a microsecond. Training calls the pool every few hundred
// microseconds, so the workers rarely fall asleep during an epoch, and an idle program sleeps.
constexpr auto kSpinTime = std::chrono::microseconds(200);

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();  // tells the core this is a spin loop (saves power, frees the sibling)
#endif
}

// Spins until done() or kSpinTime has passed; returns done().
template <class Done>
bool spin_until(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + kSpinTime;
    for (int i = 0;; ++i) {
        if (done()) return true;
        cpu_relax();
        if (i % 64 == 63) {
            if (std::chrono::steady_clock::now() > give_up) return done();
            std::this_thread::yield();  // lets another runnable thread have this core (tests run side by side)
        }
    }
}

// Workers watch a generation counter: a new value means a new loop to run. They spin on it for a while
// after each loop, then sleep on `wake_`; the caller spins on `pending_`, then sleeps on `done_`. Both
// sleeps check their condition under the mutex that the other side holds when it changes it, so no
// wake-up is lost.
class Pool {
public:
    explicit Pool(int workers) {
        for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i] { loop(i + 1); });
    }
    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
            ++generation_;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }

    void run(int n, const std::function<void(int, int)>& body) {
        const int parts = static_cast<int>(threads_.size()) + 1;
        body_ = &body;
        n_ = n;
        parts_ = parts;
        error_ = nullptr;
        pending_.store(parts - 1);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++generation_;  // publishes the fields above to the workers
        }
        wake_.notify_all();
        run_part(0);  // the caller takes part 0
        if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [this] { return pending_.load() == 0; });
        }
        if (error_) std::rethrow_exception(error_);
    }

private:
    void run_part(int part) {
        const int begin = static_cast<int>(static_cast<long>(n_) * part / parts_);
        const int end = static_cast<int>(static_cast<long>(n_) * (part + 1) / parts_);
        if (begin >= end) return;
        try {
            (*body_)(begin, end);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
        }
    }

    void loop(int part) {
        long seen = 0;
        for (;;) {
            if (!spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
            }
            seen = generation_.load();
            if (stop_) return;
            run_part(part);
            if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                std::lock_guard<std::mutex> lock(mutex_);  // the caller may be checking pending_ under it
                done_.notify_one();
            }
        }
    }

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int, int)>* body_ = nullptr;
    int n_ = 0, parts_ = 1;
    std::atomic<int> pending_{0};
    std::atomic<long> generation_{0};
    std::atomic<bool> stop_{false};
    std::exception_ptr error_;
};

}  // namespace

void parallel_for(int n, const std::function<void(int, int)>& body) {
    if (n <= 0) return;
    const int threads = thread_count();
    if (threads <= 1 || n == 1) {
        body(0, n);
        return;
    }
    static Pool pool(threads - 1);
    static std::mutex one_call_at_a_time;  // nested or concurrent calls run inline instead of deadlocking
    std::unique_lock<std::mutex> lock(one_call_at_a_time, std::try_to_lock);
    if (!lock.owns_lock()) {
        body(0, n);
        return;
    }
    pool.run(n, body);
}

void parallel_for(int n, double work_per_item, const std::function<void(int, int)>& body) {
    if (static_cast<double>(n) * work_per_item < kInlineWork) {
        if (n > 0) body(0, n);
        return;
    }
    parallel_for(n, body);
}

void parallel_accumulate(int n, std::size_t size, float* out, const std::function<void(int, int, float*)>& body) {
    if (n <= 0) return;
    const int chunks = std::min(thread_count(), n);
    std::vector<std::vector<float>> sums(static_cast<std::size_t>(chunks));
    parallel_chunks(n, chunks, [&](int chunk, int begin, int end) {
        std::vector<float>& mine = sums[static_cast<std::size_t>(chunk)];
        mine.assign(size, 0.0f);
        body(begin, end, mine.data());
    });
    for (const std::vector<float>& chunk : sums)  // in chunk order: the same bits on every run
        for (std::size_t i = 0; i < chunk.size(); ++i) out[i] += chunk[i];
}

void parallel_chunks(int n, int chunks, const std::function<void(int, int, int)>& body) {
    if (n <= 0 || chunks <= 0) return;
    parallel_for(chunks, [&](int first, int last) {
        for (int k = first; k < last; ++k) {
            const int begin = static_cast<int>(static_cast<long>(n) * k / chunks);
            const int end = static_cast<int>(static_cast<long>(n) * (k + 1) / chunks);
            if (begin < end) body(k, begin, end);
        }
    });
}

}  // namespace wb
