#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A certificate that has expired or expires soon, for the owner's "SSO & SCIM" screen and for operators.
///
/// Warnings never block logins: an expired IdP certificate pinned from metadata keeps verifying (the metadata
/// upload is the trust anchor, not a PKI), and an expired SP certificate keeps decrypting. They tell the owner
/// to act before the IdP or the owner's users notice.
public struct CertificateExpiryWarning: Sendable, Hashable, Codable {
    /// Which certificate this is about.
    public enum Role: String, Sendable, Hashable, Codable {
        /// An IdP signing certificate from the tenant's metadata.
        case idpSigning = "idp_signing"
        /// The SP certificate currently in use.
        case spCurrent = "sp_current"
        /// The SP certificate staged for rollover.
        case spNext = "sp_next"
    }

    /// How urgent the warning is.
    public enum Level: String, Sendable, Hashable, Codable, Comparable {
        /// Expires within the largest threshold (60 days by default).
        case notice
        /// Expires within the second threshold (30 days by default).
        case warning
        /// Expires within the last two thresholds (7 or 1 day by default).
        case critical
        /// Already expired.
        case expired

        private var rank: Int {
            switch self {
            case .notice: 0
            case .warning: 1
            case .critical: 2
            case .expired: 3
            }
        }

        /// Orders levels by urgency: notice < warning < critical < expired.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Which certificate.
    public var role: Role
    /// The certificate's subject.
    public var subject: String
    /// The certificate's SHA-256 fingerprint.
    public var sha256Fingerprint: String
    /// When it expires (or expired).
    public var notAfter: Date
    /// The smallest threshold (in days) the certificate is within, e.g. 7 for "expires within 7 days";
    /// 0 when it has expired.
    public var withinDays: Int
    /// The urgency.
    public var level: Level
    /// A sentence for the owner, e.g. "The IdP signing certificate CN=… expires on 2030-06-01 (within 30 days).".
    public var message: String

    /// Creates a warning.
    public init(
        role: Role, subject: String, sha256Fingerprint: String, notAfter: Date, withinDays: Int, level: Level,
        message: String
    ) {
        self.role = role
        self.subject = subject
        self.sha256Fingerprint = sha256Fingerprint
        self.notAfter = notAfter
        self.withinDays = withinDays
        self.level = level
        self.message = message
    }
}

/// Computes ``CertificateExpiryWarning``s with an injected `now`.
public struct CertificateExpiryPolicy: Sendable, Hashable {
    /// Thresholds in days, e.g. `[60, 30, 7, 1]`: a certificate is reported once it is within the largest one.
    public var thresholdDays: [Int]

    /// Creates a policy; the default thresholds are 60, 30, 7 and 1 days.
    public init(thresholdDays: [Int] = [60, 30, 7, 1]) {
        self.thresholdDays = thresholdDays.filter { $0 > 0 }.sorted(by: >)
    }

    /// The warning for one certificate, or `nil` when it is valid beyond every threshold.
    public func warning(
        role: CertificateExpiryWarning.Role, subject: String, sha256Fingerprint: String, notAfter: Date, now: Date
    ) -> CertificateExpiryWarning? {
        let what: String
        switch role {
        case .idpSigning: what = "The IdP signing certificate"
        case .spCurrent: what = "The SP certificate"
        case .spNext: what = "The next SP certificate"
        }
        let date = SAMLTime.format(notAfter)
        if notAfter <= now {
            let consequence = role == .idpSigning
                ? " Logins keep working with the pinned certificate; upload the IdP's current metadata."
                : " Generate a new certificate and upload it to the IdP."
            return CertificateExpiryWarning(
                role: role, subject: subject, sha256Fingerprint: sha256Fingerprint, notAfter: notAfter,
                withinDays: 0, level: .expired, message: "\(what) \(subject) expired on \(date).\(consequence)")
        }
        let remaining = notAfter.timeIntervalSince(now)
        guard let within = thresholdDays.last(where: { remaining <= TimeInterval($0) * 86_400 }) else { return nil }
        let index = thresholdDays.firstIndex(of: within) ?? 0
        let level: CertificateExpiryWarning.Level =
            index == 0 ? .notice : index == 1 ? .warning : .critical
        return CertificateExpiryWarning(
            role: role, subject: subject, sha256Fingerprint: sha256Fingerprint, notAfter: notAfter,
            withinDays: within, level: level,
            message: "\(what) \(subject) expires on \(date) (within \(within) day\(within == 1 ? "" : "s")).")
    }

    /// Warnings for IdP signing certificates.
    public func warnings(for idp: IdPMetadata, now: Date) -> [CertificateExpiryWarning] {
        idp.signingCertificates.compactMap {
            warning(role: .idpSigning, subject: $0.subject, sha256Fingerprint: $0.sha256Fingerprint,
                    notAfter: $0.notAfter, now: now)
        }
    }

    /// The warning for an SP certificate, if any.
    public func warning(for certificate: SPCertificate, role: CertificateExpiryWarning.Role, now: Date)
        -> CertificateExpiryWarning?
    {
        warning(role: role, subject: certificate.subject, sha256Fingerprint: certificate.sha256Fingerprint,
                notAfter: certificate.notAfter, now: now)
    }
}
