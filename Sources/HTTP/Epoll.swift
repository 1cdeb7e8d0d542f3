import Glibc

/// epoll, reached through symbols looked up in the running process: Swift's Glibc module does not
/// import <sys/epoll.h>. The kernel ABI is stable; `epoll_event` is packed on x86_64 (12 bytes)
/// and naturally aligned elsewhere (16 bytes), which `Epoll.Events` encodes by hand.
final class Epoll: @unchecked Sendable {
    // `fd` is immutable after init; epoll_ctl and epoll_wait are thread-safe system calls.
    static let readable: UInt32 = 0x001
    static let writable: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
    static let readHangUp: UInt32 = 0x2000
    static let oneShot: UInt32 = 1 << 30

    private typealias CreateFunction = @convention(c) (Int32) -> Int32
    private typealias ControlFunction = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias WaitFunction = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32

    private struct Functions: @unchecked Sendable {
        // C function pointers resolved once; calling them from any thread is safe.
        let create: CreateFunction
        let control: ControlFunction
        let wait: WaitFunction
    }

    private static let functions: Functions? = {
        guard let process = dlopen(nil, RTLD_NOW),
              let create = dlsym(process, "epoll_create1"),
              let control = dlsym(process, "epoll_ctl"),
              let wait = dlsym(process, "epoll_wait") else { return nil }
        return Functions(create: unsafeBitCast(create, to: CreateFunction.self),
                         control: unsafeBitCast(control, to: ControlFunction.self),
                         wait: unsafeBitCast(wait, to: WaitFunction.self))
    }()

    #if arch(x86_64)
    static let eventSize = 12
    private static let dataOffset = 4
    #else
    static let eventSize = 16
    private static let dataOffset = 8
    #endif

    let fd: Int32
    private let functions: Functions

    init() throws(ServerError) {
        guard let functions = Self.functions else {
            throw ServerError.systemResource("epoll", reason: "epoll functions not found")
        }
        let fd = functions.create(O_CLOEXEC)
        guard fd >= 0 else { throw ServerError.systemResource("epoll", reason: ServerError.reason(errno)) }
        self.fd = fd
        self.functions = functions
    }

    deinit { close(fd) }

    enum Operation: Int32 { case add = 1, remove = 2, modify = 3 }

    /// Registers, re-arms or removes `target` with the given event mask; `data` comes back with
    /// its events.
    @discardableResult
    func control(_ operation: Operation, _ target: Int32, events: UInt32, data: UInt64) -> Bool {
        var raw = (UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &raw) { event in
            event.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            event.storeBytes(of: data, toByteOffset: Self.dataOffset, as: UInt64.self)
            return functions.control(fd, operation.rawValue, target, event.baseAddress) == 0
        }
    }

    /// A reusable buffer for `wait`.
    struct Events {
        fileprivate var storage: [UInt8]
        fileprivate(set) var count = 0
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            storage = [UInt8](repeating: 0, count: capacity * Epoll.eventSize)
        }

        /// The data and event mask of the index-th ready event.
        subscript(index: Int) -> (data: UInt64, events: UInt32) {
            storage.withUnsafeBytes { raw in
                let base = index * Epoll.eventSize
                let events = raw.loadUnaligned(fromByteOffset: base, as: UInt32.self)
                let data = raw.loadUnaligned(fromByteOffset: base + Epoll.dataOffset, as: UInt64.self)
                return (data, events)
            }
        }
    }

    /// Waits up to `timeoutMs` (-1 forever) and fills `events`.
    func wait(into events: inout Events, timeoutMs: Int32) {
        let capacity = Int32(events.capacity)
        let n = events.storage.withUnsafeMutableBytes { functions.wait(fd, $0.baseAddress, capacity, timeoutMs) }
        events.count = max(0, Int(n))
    }
}
