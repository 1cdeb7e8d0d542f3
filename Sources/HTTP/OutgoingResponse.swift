import Glibc

/// A response serialized for the wire: head and small bodies in memory, large files streamed with
/// sendfile. Written with non-blocking sends; `write(to:)` resumes where the last call stopped.
final class OutgoingResponse {
    enum Progress { case done, blocked, failed }

    let status: Int
    /// Body bytes this response sends (0 for HEAD), for the access log.
    let bodyBytes: Int
    /// Whether the connection closes once this response is out.
    let closeAfter: Bool
    private var memory: [UInt8]
    private var headLength: Int
    private var sent = 0
    private var file: Int32
    private var fileOffset: off_t
    private let fileEnd: off_t

    /// `fileSize` bytes of `file` are sent from `fileStart` (a byte range, or the whole file).
    init(status: Int, head: [UInt8], body: [UInt8], file: Int32 = -1, fileSize: Int = 0, fileStart: Int = 0, closeAfter: Bool) {
        self.status = status
        self.headLength = head.count
        self.memory = head
        self.file = file
        self.fileOffset = off_t(fileStart)
        self.fileEnd = off_t(fileStart + fileSize)
        self.closeAfter = closeAfter
        self.bodyBytes = body.count + (file >= 0 ? fileSize : 0)
        if !body.isEmpty {
            if body.count <= 16 * 1024 {
                memory.append(contentsOf: body)
            } else {
                self.body = body
            }
        }
    }

    /// A large in-memory body kept apart so it is not copied behind the head; sent with sendmsg.
    private var body: [UInt8] = []

    deinit { releaseFile() }

    func releaseFile() {
        if file >= 0 { close(file); file = -1 }
    }

    /// Sends as much as the socket takes.
    func write(to socket: Int32) -> Progress {
        let memoryTotal = memory.count + body.count
        while sent < memoryTotal {
            let n = sendMemory(socket)
            if n < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .blocked : .failed
            }
            sent += n
        }
        while file >= 0 && fileOffset < fileEnd {
            let n = sendfile(socket, file, &fileOffset, Int(min(fileEnd - fileOffset, 1 << 30)))
            if n < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .blocked : .failed
            }
            if n == 0 { return .failed }   // the file shrank under us
        }
        releaseFile()
        return .done
    }

    /// One sendmsg of what is left of the head/small body and the large body.
    private func sendMemory(_ socket: Int32) -> Int {
        memory.withUnsafeMutableBytes { first in
            body.withUnsafeMutableBytes { second in
                var vectors = [iovec](repeating: iovec(), count: 2)
                var count = 0
                if sent < first.count, let base = first.baseAddress {
                    vectors[count] = iovec(iov_base: base + sent, iov_len: first.count - sent)
                    count += 1
                }
                let bodySent = max(0, sent - first.count)
                if bodySent < second.count, let base = second.baseAddress {
                    vectors[count] = iovec(iov_base: base + bodySent, iov_len: second.count - bodySent)
                    count += 1
                }
                return vectors.withUnsafeMutableBufferPointer { iov in
                    var message = msghdr()
                    message.msg_iov = iov.baseAddress
                    message.msg_iovlen = count
                    return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
                }
            }
        }
    }
}
