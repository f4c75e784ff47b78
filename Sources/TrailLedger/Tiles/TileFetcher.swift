import Foundation
import TrailCrypto

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a tiles reader gets the resources of a published log (`checkpoint`, `tile/…`), by path relative to the
/// log's prefix. Errors: `tiles-missing` (no such resource), `tiles-fetch-failed` (it could not be read).
public protocol TileFetcher: Sendable {
    /// The location as given (a directory or an http(s) base URL), for messages.
    var location: String { get }
    /// The bytes of the resource at `path` (e.g. `tile/0/x001/234`).
    func fetch(_ path: String) throws -> [UInt8]
}

/// True when `argument` names a tiles location: an http(s) URL, or a directory holding `checkpoint` and `tile/`.
public func isTilesLocation(_ argument: String) -> Bool {
    if argument.hasPrefix("http://") || argument.hasPrefix("https://") { return true }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDir), isDir.boolValue else { return false }
    return FileManager.default.fileExists(atPath: argument + "/" + TileLayout.checkpointPath)
        && FileManager.default.fileExists(atPath: argument + "/tile")
}

/// A published log in a local directory (e.g. the output of `ledger publish`, or a mirror).
public struct DirectoryTileFetcher: TileFetcher {
    public let directory: String
    public var location: String { directory }

    public init(directory: String) { self.directory = directory }

    public func fetch(_ path: String) throws -> [UInt8] {
        let full = directory + "/" + path
        guard FileManager.default.fileExists(atPath: full) else {
            throw TrailError(
                "tiles-missing", "\(path) is not published in \(directory)",
                remedy: "publish the ledger again (`chiptrail ledger publish LEDGER --tiles DIR`)", file: full)
        }
        do {
            return try FileIO.read(full)
        } catch let e as TrailError {
            throw TrailError("tiles-fetch-failed", "cannot read \(full): \(e.message)", file: full)
        }
    }
}

/// A published log served over HTTP(S) (URLSession). Each request has a timeout; a connection failure, a timeout,
/// HTTP 429 or a 5xx status is retried after a short pause; 404 and 410 are `tiles-missing`; any other status,
/// or a failure that persists, is `tiles-fetch-failed`.
public final class HTTPTileFetcher: TileFetcher, @unchecked Sendable {
    // @unchecked: every stored property is immutable after init; URLSession is thread-safe.
    public let location: String
    private let base: String
    private let session: URLSession
    private let timeout: Double
    private let retries: Int

    public init(base: String, timeout: Double = 30, retries: Int = 2) throws {
        guard URL(string: base) != nil else {
            throw TrailError.usage("tiles-fetch-failed", "\(base) is not a URL")
        }
        location = base
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.timeout = timeout
        self.retries = retries
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout * 2
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: config)
    }

    deinit { session.finishTasksAndInvalidate() }

    private final class Outcome: @unchecked Sendable {
        // @unchecked: written once by the completion handler before the semaphore is signalled, read after.
        var data: Data?
        var status: Int?
        var error: String?
    }

    public func fetch(_ path: String) throws -> [UInt8] {
        let urlText = base + "/" + path
        guard let url = URL(string: urlText) else { throw TrailError("tiles-fetch-failed", "\(urlText) is not a URL") }
        var last = ""
        for attempt in 0...retries {
            if attempt > 0 { usleep(useconds_t(200_000 * attempt)) }
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
            request.setValue("gzip, identity", forHTTPHeaderField: "Accept-Encoding")
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            session.dataTask(with: request) { data, response, error in
                outcome.data = data
                outcome.status = (response as? HTTPURLResponse)?.statusCode
                outcome.error = error.map { $0.localizedDescription }
                done.signal()
            }.resume()
            done.wait()
            if let error = outcome.error {
                last = "no response from \(urlText): \(error)"
                continue
            }
            switch outcome.status ?? 0 {
            case 200:
                return [UInt8](outcome.data ?? Data())
            case 404, 410:
                throw TrailError(
                    "tiles-missing", "\(urlText) answered HTTP \(outcome.status!): the resource is not published",
                    remedy: "check the base URL (it is the directory that holds `checkpoint` and `tile/`)", file: urlText)
            case 429, 500...599:
                last = "\(urlText) answered HTTP \(outcome.status!)"
                continue
            default:
                throw TrailError(
                    "tiles-fetch-failed", "\(urlText) answered HTTP \(outcome.status ?? 0), not 200", file: urlText)
            }
        }
        throw TrailError(
            "tiles-fetch-failed", "\(last) (after \(retries + 1) attempts)",
            remedy: "check that the server is up, or try again later", file: urlText)
    }
}
