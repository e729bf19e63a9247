import Foundation

/// An evaluation set: the clips to classify, and the files that were left out with the reason.
public struct Dataset: Sendable {
    public var root: String
    public var clips: [LabeledClip]
    public var skipped: [(path: String, reason: String)]

    public init(root: String, clips: [LabeledClip], skipped: [(path: String, reason: String)] = []) {
        self.root = root
        self.clips = clips
        self.skipped = skipped
    }

    /// File name endings libsndfile reads.
    public static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "aif", "aiff", "au"]

    /// Speech Commands layout: `root/<word>/<clip>`; the label is the name of the folder that
    /// holds the clip (so a root above several such datasets works too). Files directly in
    /// root have no label and are skipped.
    public static func scanFolder(_ root: String, labels: DatasetLabels) throws(DatasetError) -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notAFolder(root)
        }
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { throw .notAFolder(root) }
        var relativePaths: [String] = []
        while let next = enumerator.nextObject() as? String {
            let ext = (next as NSString).pathExtension.lowercased()
            if audioExtensions.contains(ext) { relativePaths.append(next) }
        }
        relativePaths.sort()
        var dataset = Dataset(root: root, clips: [], skipped: [])
        for relative in relativePaths {
            let components = relative.split(separator: "/")
            let path = (root as NSString).appendingPathComponent(relative)
            guard components.count >= 2 else {
                dataset.skipped.append((path, "not inside a label folder"))
                continue
            }
            dataset.add(path: path, relative: relative, label: String(components[components.count - 2]), labels: labels)
        }
        return dataset
    }

    /// A CSV of `path,label` rows (paths relative to root unless absolute; a `path,label` header
    /// line is allowed; fields may be double-quoted).
    public static func readListing(csv: String, root: String, labels: DatasetLabels) throws(DatasetError) -> Dataset {
        let text: String
        do { text = try String(contentsOfFile: csv, encoding: .utf8) } catch {
            throw .unreadableListing(path: csv, reason: error.localizedDescription)
        }
        var dataset = Dataset(root: root, clips: [], skipped: [])
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = CSV.fields(of: String(line))
            if number == 0, fields.map({ $0.lowercased() }) == ["path", "label"] { continue }
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard fields.count == 2 else {
                throw .malformedListing(path: csv, line: number + 1, reason: "expected 2 fields (path,label), found \(fields.count)")
            }
            let relative = fields[0]
            let path = relative.hasPrefix("/") ? relative : (root as NSString).appendingPathComponent(relative)
            dataset.add(path: path, relative: relative, label: fields[1], labels: labels)
        }
        return dataset
    }

    /// Only the clips named in a Speech Commands list file (e.g. testing_list.txt: one
    /// `<word>/<clip>` path per line, relative to root); labels from the folder names.
    public func restricted(toList path: String) throws(DatasetError) -> Dataset {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadableListing(path: path, reason: error.localizedDescription)
        }
        let wanted = Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
        var result = self
        result.clips = clips.filter { wanted.contains($0.relativePath) }
        return result
    }

    mutating func add(path: String, relative: String, label: String, labels: DatasetLabels) {
        guard let index = labels.index(for: label) else {
            skipped.append((path, "label \"\(label)\" is not a model label and the model has no unknown label"))
            return
        }
        clips.append(LabeledClip(path: path, relativePath: relative, datasetLabel: label, labelIndex: index))
    }
}

public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case notAFolder(String)
    case unreadableListing(path: String, reason: String)
    case malformedListing(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .notAFolder(let path):
            return "\(path) is not a folder: --wav takes a folder of label folders (Speech Commands layout)"
        case .unreadableListing(let path, let reason):
            return "cannot read the clip list \(path): \(reason)"
        case .malformedListing(let path, let line, let reason):
            return "\(path) line \(line): \(reason)"
        }
    }
}
