import Foundation
import Glibc
import Synchronization
import Testing
@testable import HTTP

@Suite struct TerminationSignalsTests {
    @Test func sigtermReachesTheCallbackAndSigpipeIsIgnored() throws {
        let received = Mutex<[Int32]>([])
        TerminationSignals.install { number in received.withLock { $0.append(number) } }
        kill(getpid(), SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while received.withLock({ $0.isEmpty }) && Date() < deadline { usleep(10_000) }
        #expect(received.withLock { $0 } == [SIGTERM])
        var old = sigaction()
        sigaction(SIGPIPE, nil, &old)
        #expect(unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self))
    }
}
