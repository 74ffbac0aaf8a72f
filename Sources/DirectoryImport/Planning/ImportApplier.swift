public import Logging

/// The host side of an import: where a plan's steps land (e.g. the Kisi group's users).
///
/// Every operation must be idempotent so that applying a plan twice is harmless:
/// - ``create(_:)`` for an external ID that already exists updates that entry instead;
/// - ``update(_:)`` finds the entry by external ID, or, for an adoption, the unmanaged entry with the same email
///   ignoring case, and sets the values and `active`;
/// - ``deactivate(_:)`` of an inactive or unknown entry does nothing.
public protocol ImportTarget: Sendable {
    /// Creates (or, if the external ID exists, updates and activates) a user.
    func create(_ user: ImportPlan.Create) async throws
    /// Updates (and activates) an entry, adopting an unmanaged one when the plan says so.
    func update(_ update: ImportPlan.Update) async throws
    /// Deactivates a managed entry.
    func deactivate(_ deactivation: ImportPlan.Deactivation) async throws
}

/// What an ``ImportApplier`` run did.
public struct ImportRunReport: Sendable, Hashable, Codable {
    /// One step that failed.
    public struct Failure: Sendable, Hashable, Codable {
        /// `create`, `update` or `deactivate`.
        public var action: String
        /// The entry's external ID.
        public var externalId: String
        /// The host's error, as text.
        public var message: String
    }

    /// Why a run stopped early.
    public enum StopReason: String, Sendable, Hashable, Codable {
        /// The failure limit was reached.
        case tooManyFailures = "too_many_failures"
        /// The task was cancelled.
        case cancelled
    }

    /// External IDs created.
    public var created: [String] = []
    /// External IDs updated.
    public var updated: [String] = []
    /// External IDs deactivated.
    public var deactivated: [String] = []
    /// Steps that failed.
    public var failures: [Failure] = []
    /// Why the run stopped before the end, or `nil` when it ran to the end.
    public var stopReason: StopReason?

    /// `true` when every step succeeded.
    public var isComplete: Bool { failures.isEmpty && stopReason == nil }
}

/// Applies an ``ImportPlan`` through an ``ImportTarget``: deactivations first (freeing emails), then updates,
/// then creations.
public struct ImportApplier: Sendable {
    /// The run stops once this many steps have failed.
    public var maxFailures: Int

    /// Creates an applier.
    public init(maxFailures: Int = 10) {
        self.maxFailures = max(1, maxFailures)
    }

    /// Applies `plan`.
    /// - Parameters:
    ///   - plan: the plan from ``ImportPlanner``.
    ///   - target: where the steps land.
    ///   - confirmed: must be `true` for a plan whose brake needs confirmation.
    ///   - logger: receives a summary and each failed step (external ID and action only). Defaults to a logger
    ///     that discards everything.
    /// - Throws: ``DirectoryImportError`` `confirmation_required` (before any step) for a braked plan that was
    ///   not confirmed. Step failures do not throw: they are in the report.
    public func apply(
        _ plan: ImportPlan, to target: some ImportTarget, confirmed: Bool = false,
        logger: Logger = Logger(label: "DirectoryImport", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> ImportRunReport {
        if plan.brake.needsConfirmation && !confirmed {
            logger.warning(
                "import plan needs confirmation",
                metadata: [
                    "deactivations": "\(plan.brake.deactivations)", "managedActive": "\(plan.brake.managedActive)",
                ])
            throw DirectoryImportError(
                .confirmationRequired,
                "The plan deactivates \(plan.brake.deactivations) of \(plan.brake.managedActive) users, above the "
                    + "safety limit (\(Int(plan.brake.maxShare * 100)) % or \(plan.brake.maxCount)); "
                    + "confirm it to apply."
            )
        }
        var report = ImportRunReport()

        func run(_ action: String, _ id: String, _ step: () async throws -> Void) async -> Bool {
            if Task.isCancelled {
                report.stopReason = .cancelled
                return false
            }
            do {
                try await step()
                return true
            } catch {
                report.failures.append(.init(action: action, externalId: id, message: "\(error)"))
                logger.warning("import step failed", metadata: ["action": "\(action)", "externalId": "\(id)"])
                if report.failures.count >= maxFailures { report.stopReason = .tooManyFailures }
                return false
            }
        }

        steps: do {
            for item in plan.deactivate {
                if await run("deactivate", item.externalId, { try await target.deactivate(item) }) {
                    report.deactivated.append(item.externalId)
                }
                if report.stopReason != nil { break steps }
            }
            for item in plan.update {
                if await run("update", item.externalId, { try await target.update(item) }) {
                    report.updated.append(item.externalId)
                }
                if report.stopReason != nil { break steps }
            }
            for item in plan.create {
                if await run("create", item.externalId, { try await target.create(item) }) {
                    report.created.append(item.externalId)
                }
                if report.stopReason != nil { break steps }
            }
        }
        logger.info(
            "import applied",
            metadata: [
                "created": "\(report.created.count)", "updated": "\(report.updated.count)",
                "deactivated": "\(report.deactivated.count)", "failures": "\(report.failures.count)",
            ])
        return report
    }
}

/// An in-memory ``ImportTarget`` holding ``ExistingUser`` entries; for tests and demos.
public actor InMemoryImportTarget: ImportTarget {
    /// The current entries, in insertion order.
    public private(set) var users: [ExistingUser]

    /// Starts with `users`.
    public init(users: [ExistingUser] = []) {
        self.users = users
    }

    /// Creates the user, or updates and activates the entry with the same external ID.
    public func create(_ user: ImportPlan.Create) {
        let entry = ExistingUser(
            externalId: user.externalId, email: user.email, firstName: user.firstName, lastName: user.lastName,
            active: true)
        if let index = users.firstIndex(where: { $0.externalId == user.externalId }) {
            users[index] = entry
        } else {
            users.append(entry)
        }
    }

    /// Updates the entry with the external ID, else adopts the unmanaged entry with the email; else creates it.
    public func update(_ update: ImportPlan.Update) {
        let entry = ExistingUser(
            externalId: update.externalId, email: update.email, firstName: update.firstName,
            lastName: update.lastName, active: true)
        if let index = users.firstIndex(where: { $0.externalId == update.externalId }) {
            users[index] = entry
        } else if let index = users.firstIndex(where: {
            $0.externalId == nil && ImportPlanner.emailsMatch($0.email, update.email)
        }) {
            users[index] = entry
        } else {
            users.append(entry)
        }
    }

    /// Marks the entry with the external ID inactive; does nothing when there is none.
    public func deactivate(_ deactivation: ImportPlan.Deactivation) {
        if let index = users.firstIndex(where: { $0.externalId == deactivation.externalId }) {
            users[index].active = false
        }
    }
}
