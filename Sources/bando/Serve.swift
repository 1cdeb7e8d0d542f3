import ArgumentParser
import Foundation
import HTTP
import Logging
import Portal
import Store

/// `bando serve`: the portal over HTTP until SIGTERM or SIGINT.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on (env BANDO_HOST).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env BANDO_PORT).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Folder for tile cache, uploads and temporary files (env BANDO_DATA_DIR; default: 'data' beside the database).")
    var dataDir: String?

    @Option(help: "Threads running request handlers, which may block on the database (env BANDO_WORKERS; default: eight per core, at least 16).")
    var workers: Int?

    @Option(name: .customLong("session-idle"), help: "Seconds of inactivity that end a session (env BANDO_SESSION_IDLE; default 3600).")
    var sessionIdle: Int?

    @Option(name: .customLong("session-max"), help: "Seconds after sign-in that end a session however used (env BANDO_SESSION_MAX; default 43200).")
    var sessionMax: Int?

    @Option(name: .customLong("max-upload-mb"), help: "Largest file the upload form accepts, in MB (env BANDO_MAX_UPLOAD_MB; default 200).")
    var maxUploadMB: Int?

    @Option(name: .customLong("backup-dir"), help: "Folder for scheduled backups (env BANDO_BACKUP_DIR); with --backup-every.")
    var backupDir: String?

    @Option(name: .customLong("backup-every"), help: "Hours between scheduled backups, e.g. 24 or 0.5 (env BANDO_BACKUP_EVERY).")
    var backupEvery: Double?

    @Option(name: .customLong("backup-keep"), help: "Scheduled backups kept, the oldest removed first (env BANDO_BACKUP_KEEP; default 7).")
    var backupKeep: Int?

    @Option(name: .customLong("trusted-proxy"), parsing: .upToNextOption,
            help: "Reverse proxies (CIDR) whose X-Forwarded-For and X-Forwarded-Proto are believed (env BANDO_TRUSTED_PROXY, comma-separated).")
    var trustedProxy: [String] = []

    @Option(name: .customLong("metrics-from"), parsing: .upToNextOption,
            help: "Address ranges (CIDR) besides loopback that may read /metrics (env BANDO_METRICS_FROM, comma-separated).")
    var metricsFrom: [String] = []

    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure even without an X-Forwarded-Proto: https proxy header (env BANDO_SECURE_COOKIES=1).")
    var secureCookies = false

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label) }
        defer { LogSink.standardError.flush() }
        var logger = Logger(label: "bando")
        logger.logLevel = Logger.Level(rawValue: env["BANDO_LOG_LEVEL"] ?? "info") ?? .info
        do {
            let path = try database.path()
            let host = self.host ?? env["BANDO_HOST"] ?? "127.0.0.1"
            guard let port = self.port ?? Int(env["BANDO_PORT"] ?? "8080"), (0...65535).contains(port) else {
                throw ValidationError("the port must be a number from 0 to 65535")
            }
            let dataDirectory = dataDir ?? env["BANDO_DATA_DIR"]
                ?? URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("data").path
            let temporary = dataDirectory + "/tmp"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)

            let resources = try Resources.locate()
            let db = try SpatialDatabase(path: path)
            let applied = try Migrator(directory: resources.migrations).migrate(db)
            if !applied.isEmpty { logger.info("database migrated: \(applied.joined(separator: ", "))") }
            let interrupted = try VersionImporter(db).removeInterrupted()
            if interrupted > 0 { logger.info("removed \(interrupted) version(s) left by imports that were cut off") }
            let idle = sessionIdle ?? env["BANDO_SESSION_IDLE"].flatMap(Int.init) ?? 3600
            let maximum = sessionMax ?? env["BANDO_SESSION_MAX"].flatMap(Int.init) ?? 43_200
            guard idle > 0, maximum > 0 else { throw ValidationError("session lifetimes must be positive numbers of seconds") }
            let maxUpload = maxUploadMB ?? env["BANDO_MAX_UPLOAD_MB"].flatMap(Int.init) ?? Portal.defaultMaxUploadMegabytes
            guard (1...1_048_576).contains(maxUpload) else { throw ValidationError("the upload limit must be a number of MB from 1 to 1048576") }
            let sessions = SessionPolicy(idleTimeout: TimeInterval(idle), absoluteTimeout: TimeInterval(maximum),
                                         secureCookies: secureCookies || env["BANDO_SECURE_COOKIES"] == "1")
            let metricsRanges = try Self.ranges(metricsFrom.isEmpty
                ? (env["BANDO_METRICS_FROM"] ?? "").split(separator: ",").map(String.init) : metricsFrom, option: "--metrics-from")
            let proxies = try Self.ranges(trustedProxy.isEmpty
                ? (env["BANDO_TRUSTED_PROXY"] ?? "").split(separator: ",").map(String.init) : trustedProxy, option: "--trusted-proxy")
            let portal = try Portal(database: db, resources: resources, dataDirectory: dataDirectory,
                                    maxUploadMegabytes: maxUpload,
                                    sessionPolicy: sessions, metrics: PortalMetrics(allowedFrom: metricsRanges),
                                    trustedProxies: proxies, logger: logger)

            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.temporaryDirectory = temporary
            configuration.maxBodyBytes = Portal.maxBodyBytes(forUploadMegabytes: maxUpload)
            if let workers = workers ?? env["BANDO_WORKERS"].flatMap(Int.init), workers > 0 { configuration.workers = workers }
            if let io = env["BANDO_IO_THREADS"].flatMap(Int.init), io > 0 { configuration.ioThreads = min(io, 64) }
            let router = portal.makeRouter()
            configuration.bodyLimit = portal.bodyLimit(router)
            // Inline routes and fast handlers answer on the I/O thread, with one route match.
            configuration.fastPath = router.fastHandler
            configuration.responseHeaders = Portal.securityHeaders
            // Trusted proxies and the machine itself (a local reverse proxy, monitors) carry many
            // clients: the per-address caps would throttle all of them as one.
            let exempt = proxies + AddressRange.loopback
            configuration.isTrustedClient = { AddressRange.any(exempt, contains: $0) }
            let accessLogger = logger
            let server = HTTPServer(
                configuration: configuration, handler: router.handler,
                errorPage: { error, request in portal.uploadAwareErrorPage(error, request) },
                accessLog: { entry in
                    portal.metrics.record(entry)
                    accessLogger.info("\(entry.remoteAddress) \(entry.method) \(entry.target) \(entry.status) \(entry.bytes)B \(Self.milliseconds(entry.durationMs))ms")
                })
            let schedule = try backupSchedule(env)
            let bound = try server.start()
            portal.metrics.readServerLoad { server.load }
            portal.prepareLargeMaps()
            portal.pruneExports()
            if let schedule {
                ScheduledBackups(database: db, directory: schedule.directory, interval: schedule.hours * 3600,
                                 keep: schedule.keep, logger: logger).start()
                logger.info("backups every \(schedule.hours) h into \(schedule.directory), keeping \(schedule.keep)")
            }
            TerminationSignals.install { signal in
                accessLogger.info("signal \(signal): finishing in-flight requests, then stopping")
                server.shutdown()
            }
            logger.info("Bando serving \(path) at http://\(host):\(bound)/ (data in \(dataDirectory))")
            FileHandle.standardOutput.write(Data("Bando: http://\(host):\(bound)/\n".utf8))
            server.wait()
            logger.info("stopped")
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    /// "12.3": a duration in milliseconds to a tenth, without Foundation's formatter (a tenth of
    /// the cost of a cached tile went into `String(format:)` here).
    static func milliseconds(_ value: Double) -> String {
        let tenths = Int((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Parses CIDR ranges given to `option`, naming the first one that is not a range.
    static func ranges(_ texts: [String], option: String) throws -> [AddressRange] {
        try texts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { text in
            guard let range = AddressRange(text) else {
                throw ValidationError("\(option): \(text) is not an address range (write 10.0.0.0/8 or 192.168.1.7)")
            }
            return range
        }
    }

    /// The scheduled backups asked for, if any; a folder without an interval (or the reverse) is refused.
    func backupSchedule(_ env: [String: String]) throws -> (directory: String, hours: Double, keep: Int)? {
        let directory = backupDir ?? env["BANDO_BACKUP_DIR"]
        let hours = backupEvery ?? env["BANDO_BACKUP_EVERY"].flatMap(Double.init)
        let keep = backupKeep ?? env["BANDO_BACKUP_KEEP"].flatMap(Int.init) ?? 7
        switch (directory, hours) {
        case (nil, nil):
            return nil
        case (let directory?, let hours?):
            guard hours > 0, hours.isFinite else { throw ValidationError("--backup-every must be a positive number of hours") }
            guard keep >= 1 else { throw ValidationError("--backup-keep must be at least 1") }
            return (directory, hours, keep)
        default:
            throw ValidationError("scheduled backups need both --backup-dir and --backup-every")
        }
    }
}
