#include "framework/parallel.hpp"

#include <algorithm>
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

// Workers wait for a generation counter to change, run their share, and report back.
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
        {
            std::lock_guard<std::mutex> lock(mutex_);
            body_ = &body;
            n_ = n;
            parts_ = parts;
            pending_ = parts - 1;
            error_ = nullptr;
            ++generation_;
        }
        wake_.notify_all();
        run_part(0);  // the caller takes part 0
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
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
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (stop_) return;
            }
            run_part(part);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                --pending_;
            }
            done_.notify_one();
        }
    }

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int, int)>* body_ = nullptr;
    int n_ = 0, parts_ = 1, pending_ = 0;
    long generation_ = 0;
    bool stop_ = false;
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

}  // namespace wb
