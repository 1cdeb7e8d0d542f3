import Dispatch
import Synchronization

/// Work shared by callers that ask for the same thing at the same time: the first caller for a
/// key runs the work; those who ask while it runs wait for its outcome — the same value, or the
/// same error — instead of running it again. Once the work is done the key is free, so a later
/// caller runs it afresh (callers keep the results they want to reuse in a cache of their own).
///
/// Waiting blocks the calling thread, as every handler may.
final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// One run of the work and the callers waiting for it. The runner signals `done` once;
    /// each waiter, once woken, signals it again for the next.
    private final class Flight: Sendable {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Value, any Error>?>(nil)
    }

    private let flights = Mutex<[Key: Flight]>([:])

    /// The outcome of `work` for `key`: run here, or awaited from the caller running it now.
    func run(_ key: Key, _ work: () throws -> Value) throws -> Value {
        let (flight, runs) = flights.withLock { flights -> (Flight, Bool) in
            if let running = flights[key] { return (running, false) }
            let flight = Flight()
            flights[key] = flight
            return (flight, true)
        }
        guard runs else {
            flight.done.wait()
            flight.done.signal()
            guard let outcome = flight.outcome.withLock({ $0 }) else {
                preconditionFailure("a flight signals only once its outcome is set")
            }
            return try outcome.get()
        }
        let outcome = Result { try work() }
        flight.outcome.withLock { $0 = outcome }
        flights.withLock { $0[key] = nil }
        flight.done.signal()
        return try outcome.get()
    }
}
