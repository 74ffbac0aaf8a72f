public import Foundation
internal import Crypto
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Writes `buffer` to `descriptor`; returns the byte count or -1.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer.baseAddress, buffer.count)
    #else
    Darwin.write(descriptor, buffer.baseAddress, buffer.count)
    #endif
}

/// Creates `path` for writing with mode 600, failing if it exists (`O_EXCL`); returns the descriptor or -1.
private func createExclusively(_ path: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    #else
    Darwin.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    #endif
}

/// Seals secrets the server keeps at rest — a directory import's JumpCloud API key — with AES-256-GCM under a key the
/// operator keeps in a file outside the database (`serve --secrets-key FILE`, made once with
/// ``writeNewKeyFile(at:)``). A copied database alone reveals no secret.
///
/// Each sealed value is bound to a `context` (for example `"org_123/import_7/jumpcloud_api_key"`) as GCM's
/// associated data: a value moved to another organization or import, altered, or opened with another key fails with
/// ``SecretSealerError/Code/sealedSecretInvalid`` instead of yielding a secret.
public struct SecretSealer: Sendable {
    private let key: SymmetricKey
    /// The format byte in front of every sealed value (`1`: AES-256-GCM, 12-byte nonce, 16-byte tag).
    static let version: UInt8 = 1

    /// Uses `key` (32 bytes).
    /// - Throws: ``SecretSealerError`` `key_file_invalid` for another length.
    public init(key: [UInt8]) throws(SecretSealerError) {
        guard key.count == 32 else {
            throw SecretSealerError(.keyFileInvalid, "the secrets key must be 32 bytes, not \(key.count)")
        }
        self.key = SymmetricKey(data: key)
    }

    /// Reads the key from `path`: 32 random bytes, base64-encoded on one line (what ``writeNewKeyFile(at:)`` writes).
    /// - Throws: ``SecretSealerError`` `key_file_unreadable`, `key_file_too_open` (readable or writable by group or
    ///   others, as ssh refuses such keys) or `key_file_invalid`.
    public init(keyFile path: String) throws(SecretSealerError) {
        let attributes: [FileAttributeKey: Any]
        let contents: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SecretSealerError(.keyFileUnreadable, "the secrets key file \(path) cannot be read")
        }
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw SecretSealerError(
                .keyFileTooOpen,
                "the secrets key file \(path) is accessible to other users (mode \(String(mode.intValue, radix: 8))); chmod 600 it")
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Data(base64Encoded: text) else {
            throw SecretSealerError(.keyFileInvalid, "the secrets key file \(path) does not hold base64")
        }
        try self.init(key: Array(key))
    }

    /// Writes a new random key to `path` (mode 600), refusing to replace an existing file: a lost key makes every
    /// sealed secret unreadable.
    /// - Throws: ``SecretSealerError`` `key_file_unreadable` when the file exists or cannot be written.
    public static func writeNewKeyFile(at path: String) throws(SecretSealerError) {
        let line = Array((SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString() + "\n").utf8)
        // O_EXCL: never replace a key; mode 600 from the first byte on (no window with wider permissions).
        let descriptor = createExclusively(path)
        guard descriptor >= 0 else {
            throw SecretSealerError(
                .keyFileUnreadable,
                errno == EEXIST ? "the secrets key file \(path) already exists; it is never replaced"
                    : "the secrets key file \(path) cannot be created")
        }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { buffer in posixWrite(descriptor, buffer) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw SecretSealerError(.keyFileUnreadable, "the secrets key file \(path) cannot be written")
        }
    }

    /// Seals `secret` for `context`: version byte, nonce, ciphertext and tag.
    public func seal(_ secret: String, context: String) throws(SecretSealerError) -> Data {
        do {
            let box = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw SecretSealerError(.sealFailed, "the secret could not be sealed") }
            return Data([Self.version]) + combined
        } catch let error as SecretSealerError {
            throw error
        } catch {
            throw SecretSealerError(.sealFailed, "the secret could not be sealed")
        }
    }

    /// Opens a value ``seal(_:context:)`` made for the same `context` with the same key.
    /// - Throws: ``SecretSealerError`` `sealed_secret_invalid` (another key or context, altered, or not a sealed value).
    public func open(_ sealed: Data, context: String) throws(SecretSealerError) -> String {
        let invalid = SecretSealerError(
            .sealedSecretInvalid, "the stored secret cannot be opened with this key for this record")
        guard sealed.first == Self.version else { throw invalid }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            guard let text = String(data: plain, encoding: .utf8) else { throw invalid }
            return text
        } catch {
            throw invalid
        }
    }
}

/// Why a secret could not be sealed or opened, or the key not loaded. Messages name files, never secrets.
public struct SecretSealerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine-readable error code.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable string.
        public let rawValue: String
        /// Creates a code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's string.
        public var description: String { rawValue }

        /// The key file is missing or cannot be read or written.
        public static let keyFileUnreadable = Code(rawValue: "key_file_unreadable")
        /// The key file is readable or writable by group or others.
        public static let keyFileTooOpen = Code(rawValue: "key_file_too_open")
        /// The key file does not hold a base64 32-byte key.
        public static let keyFileInvalid = Code(rawValue: "key_file_invalid")
        /// A stored value does not open: another key or context, altered, or not a sealed value.
        public static let sealedSecretInvalid = Code(rawValue: "sealed_secret_invalid")
        /// The cipher failed to seal (should not happen).
        public static let sealFailed = Code(rawValue: "seal_failed")
    }

    /// The stable code.
    public let code: Code
    /// A message safe to show and log.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
