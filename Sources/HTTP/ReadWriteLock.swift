import Glibc

/// A value behind a pthread read-write lock: many threads read at once without waiting for each
/// other; a write waits for the readers and excludes everyone. For state that is read on every
/// request and written rarely (the routes, the static-file cache), where a mutex made the
/// handler threads queue behind one another.
final class ReadWriteLock<Value>: @unchecked Sendable {
    // The value is only touched inside the lock; the lock lives in stable heap memory.
    private var value: Value
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init(_ value: Value) {
        self.value = value
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func read<T>(_ body: (Value) throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    func write<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
