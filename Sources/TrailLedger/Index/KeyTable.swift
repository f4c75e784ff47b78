import Foundation
import TrailCrypto

/// An on-disk open-addressing hash table (`<ledger>.idx.keys`): 16-byte keys (truncated SHA-256, so uniformly
/// distributed) → a kind (2 bits) and a ledger byte offset or a seq (62 bits), linear probing, at most half full.
///
/// Layout: a 64-byte header (`"ctkeys\0\u{1}"`, slot count as UInt64 LE), then 24-byte slots (key a, key b,
/// value; little-endian). An empty slot has value 0: offset 0 and seq 0 are the genesis record, never a statement
/// or checkpoint, so no entry of any kind (kind 0 included) has value 0.
/// The file is memory-mapped; growth rehashes into a new file that replaces the old one by rename.
///
/// Durability: `sync()` makes the table's changes durable. Syncing the mapping writes every dirty page — one
/// random 4 KiB write per entry an append batch adds (0.25 s for 3,000 statements at 1 M records) — so when only
/// a few entries changed since the last full sync they are appended to a journal (`<table>.journal`, 24-byte
/// slots as in the table) and that is synced instead. The journal's length is saved with the index state. Mapped
/// pages written by a process that exited or was killed are in the page cache; only a system crash loses them, so
/// after a reboot (another boot id) opening the table replays that many journal entries. A long journal, growth
/// or bulk indexing makes the next sync a full one, which empties the journal.
final class KeyTable {
    enum Kind: UInt64 {
        /// A subject's first or latest statement (the value is a seq; `SubjectIndex`).
        case subject = 0
        case envelope = 1
        case statement = 2
        case checkpoint = 3
    }

    static let headerSize = 64
    static let slotSize = 24
    static let magic: [UInt8] = Array("ctkeys".utf8) + [0, 1]

    private(set) var path: String
    private var fd: Int32
    fileprivate var base: UnsafeMutableRawPointer
    fileprivate var mappedBytes: Int
    private(set) var slotCount: Int
    /// Occupied slots (kept by the caller's state; recounted on growth).
    private(set) var used: Int
    /// Entries inserted since the last sync, while few enough to journal; nil when the next sync must be full.
    private var unsynced: [(StatementKey, UInt64)]? = []
    /// Entries in the journal that the table's last sync relies on.
    private(set) var journalCount = 0
    static let journalLimit = 1 << 18

    /// Opens an existing table whose last sync left `journalCount` journal entries, replaying them when `replay`
    /// (the system restarted since); nil when it is missing, not a table, or the journal is shorter.
    static func open(path: String, used: Int, journalCount: Int, replay: Bool) -> KeyTable? {
        guard let t = open(path: path, used: used) else { return nil }
        t.journalCount = journalCount
        guard journalCount > 0, replay else { return t }
        guard let file = try? IndexFile(path: journalPath(path), create: false),
            let bytes = file.read(at: 0, count: journalCount * slotSize)
        else { return nil }
        bytes.withUnsafeBytes { raw in
            for i in 0..<journalCount {
                let o = i * slotSize
                let key = StatementKey(
                    a: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)),
                    b: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)))
                _ = t.place(key, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)))
            }
        }
        t.journalCount = journalCount
        return t
    }

    static func journalPath(_ path: String) -> String { path + ".journal" }

    /// This system boot's id (Linux); a journal written under another boot id is replayed.
    static let bootID: String = {
        guard let b = try? FileIO.read("/proc/sys/kernel/random/boot_id") else { return "" }
        return String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// Opens an existing table; nil when it is missing or not a table.
    private static func open(path: String, used: Int) -> KeyTable? {
        let fd = Foundation.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var header = [UInt8](repeating: 0, count: headerSize)
        guard pread(fd, &header, headerSize, 0) == headerSize, Array(header[0..<8]) == magic else {
            close(fd)
            return nil
        }
        let slots = header.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
        var st = stat()
        fstat(fd, &st)
        guard slots > 0, slots & (slots - 1) == 0, Int(st.st_size) == headerSize + slots * slotSize else {
            close(fd)
            return nil
        }
        return try? KeyTable(path: path, fd: fd, slots: slots, used: used)
    }

    /// Creates an empty table of at least `minimumSlots` slots (a power of two), replacing any file at `path`.
    static func create(path: String, minimumSlots: Int) throws -> KeyTable {
        var slots = 1024
        while slots < minimumSlots { slots <<= 1 }
        let tmp = path + ".tmp"
        let t = try fresh(path: tmp, slots: slots)
        try t.rename(to: path)
        t.unsynced = nil
        return t
    }

    private static func fresh(path: String, slots: Int) throws -> KeyTable {
        unlink(path)
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TrailError.io("cannot create \(path): \(FileIO.errnoText())", file: path) }
        var header = magic
        withUnsafeBytes(of: UInt64(slots).littleEndian) { header += $0 }
        header += [UInt8](repeating: 0, count: headerSize - header.count)
        guard ftruncate(fd, off_t(headerSize + slots * slotSize)) == 0, pwrite(fd, header, headerSize, 0) == headerSize else {
            close(fd)
            throw TrailError.io("cannot write \(path): \(FileIO.errnoText())", file: path)
        }
        return try KeyTable(path: path, fd: fd, slots: slots, used: 0)
    }

    private init(path: String, fd: Int32, slots: Int, used: Int) throws {
        self.path = path
        self.fd = fd
        self.slotCount = slots
        self.used = used
        mappedBytes = KeyTable.headerSize + slots * KeyTable.slotSize
        guard let p = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            close(fd)
            throw TrailError.io("cannot map \(path): \(FileIO.errnoText())", file: path)
        }
        base = p
    }

    deinit {
        munmap(base, mappedBytes)
        close(fd)
    }

    private func rename(to newPath: String) throws {
        guard Foundation.rename(path, newPath) == 0 else {
            throw TrailError.io("cannot rename \(path): \(FileIO.errnoText())", file: path)
        }
        path = newPath
    }

    @inline(__always) private func slot(_ i: Int) -> UnsafeMutableRawPointer {
        base + KeyTable.headerSize + i * KeyTable.slotSize
    }

    /// Sets the occupancy count saved with the index state.
    func setUsed(_ n: Int) { used = n }

    /// The offset stored for (`key`, `kind`) that is below `limit`, if any.
    func lookup(_ key: StatementKey, _ kind: Kind, below limit: Int64 = .max) -> Int64? {
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: key.a) & mask
        let tag = kind.rawValue << 62
        while true {
            let p = slot(i)
            let v = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            if v == 0 { return nil }
            if v & (3 << 62) == tag && UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) == key.a
                && UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) == key.b
            {
                let offset = Int64(v & ~(3 << 62))
                return offset < limit ? offset : nil
            }
            i = (i + 1) & mask
        }
    }

    /// Stores (`key`, `kind`) → `offset`, replacing an entry with the same key and kind.
    func insert(_ key: StatementKey, _ kind: Kind, offset: Int64) throws {
        if (used + 1) * 2 > slotCount { try grow() }
        let value = kind.rawValue << 62 | UInt64(offset)
        if place(key, value) { used += 1 }
        if unsynced != nil {
            if journalCount + unsynced!.count < KeyTable.journalLimit {
                unsynced!.append((key, value))
            } else {
                unsynced = nil
            }
        }
    }

    /// Writes the entry into its probe sequence; true when it took an empty slot.
    private func place(_ key: StatementKey, _ value: UInt64) -> Bool {
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: key.a) & mask
        while true {
            let p = slot(i)
            let v = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            let same =
                v != 0 && v >> 62 == value >> 62 && UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) == key.a
                && UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) == key.b
            if v == 0 || same {
                p.storeBytes(of: key.a.littleEndian, as: UInt64.self)
                p.storeBytes(of: key.b.littleEndian, toByteOffset: 8, as: UInt64.self)
                p.storeBytes(of: value.littleEndian, toByteOffset: 16, as: UInt64.self)
                return v == 0
            }
            i = (i + 1) & mask
        }
    }

    /// Doubles the table: rehashes every entry into a new file, then renames it over this one.
    private func grow() throws {
        let bigger = try KeyTable.fresh(path: path + ".tmp", slots: slotCount * 2)
        var n = 0
        for i in 0..<slotCount {
            let p = slot(i)
            let v = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            guard v != 0 else { continue }
            let key = StatementKey(
                a: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)),
                b: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            if bigger.place(key, v) { n += 1 }
        }
        let final = path
        try bigger.rename(to: final)
        // Take over the new mapping; the old one is released.
        munmap(base, mappedBytes)
        close(fd)
        (fd, base, mappedBytes, slotCount, used) = (bigger.fd, bigger.base, bigger.mappedBytes, bigger.slotCount, n)
        bigger.fd = -1
        bigger.base = UnsafeMutableRawPointer(bitPattern: 1)!
        bigger.mappedBytes = 0
        unsynced = nil
    }
}

extension KeyTable {
    /// Makes the table's changes durable: by journaling the entries inserted since the last sync when they are few,
    /// else by syncing the whole mapping (which empties the journal). Save `journalCount` with the index state.
    func sync() throws {
        if let entries = unsynced {
            guard !entries.isEmpty else { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(entries.count * KeyTable.slotSize)
            for (k, v) in entries {
                withUnsafeBytes(of: k.a.littleEndian) { bytes += $0 }
                withUnsafeBytes(of: k.b.littleEndian) { bytes += $0 }
                withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
            }
            let journal = try IndexFile(path: KeyTable.journalPath(path))
            try journal.write(bytes, at: Int64(journalCount * KeyTable.slotSize))
            try journal.sync()
            journalCount += entries.count
            unsynced = []
            return
        }
        guard msync(base, mappedBytes, MS_SYNC) == 0 else {
            throw TrailError.io("cannot sync \(path): \(FileIO.errnoText())", file: path)
        }
        journalCount = 0
        unsynced = []
    }
}
