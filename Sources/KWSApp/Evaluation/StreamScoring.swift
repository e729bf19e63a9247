import Foundation

/// A labelled moment in a long recording: the time (ms from the start) at which a word's clip starts.
public struct TruthEvent: Sendable, Equatable {
    public var timeMilliseconds: Int64
    public var label: String

    public init(timeMilliseconds: Int64, label: String) {
        self.timeMilliseconds = timeMilliseconds
        self.label = label
    }

    /// Reads a `time_ms,label` CSV (header line optional), sorted by time.
    public static func read(csv path: String) throws(DatasetError) -> [TruthEvent] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadableListing(path: path, reason: error.localizedDescription)
        }
        var events: [TruthEvent] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = CSV.fields(of: String(line))
            if number == 0, fields.first.map({ Int64($0) == nil }) == true { continue }  // header
            guard fields.count >= 2, let time = Int64(fields[0].trimmingCharacters(in: .whitespaces)) else {
                throw .malformedListing(path: path, line: number + 1, reason: "expected time_ms,label")
            }
            events.append(TruthEvent(timeMilliseconds: time, label: fields[1]))
        }
        return events.sorted { $0.timeMilliseconds < $1.timeMilliseconds }
    }
}

/// Hits, misses and false alarms of detections against truth. Only keyword labels count: a
/// detection of another label (silence, unknown) is ignored, and so is a truth event of one.
/// A detection matches the earliest unmatched truth event of the same label that started at most
/// `toleranceMilliseconds` earlier (the recognizer answers after the word and its averaging
/// window, so detections come up to about two seconds after a one-second clip starts).
public struct StreamScore: Sendable, Equatable {
    public var hits: Int
    public var misses: Int
    public var falseAlarms: Int
    public var audioSeconds: Double
    public var missedEvents: [TruthEvent]
    public var falseAlarmDetections: [Detection]

    public var falseAlarmsPerHour: Double { audioSeconds > 0 ? Double(falseAlarms) * 3600 / audioSeconds : 0 }

    public init(
        detections: [Detection], truth: [TruthEvent], keywords: Set<String>,
        toleranceMilliseconds: Int64, audioSeconds: Double
    ) {
        let events = truth.filter { keywords.contains($0.label) }
        var matched = Array(repeating: false, count: events.count)
        var falseAlarmList: [Detection] = []
        var hitCount = 0
        for detection in detections where keywords.contains(detection.label) {
            let match = events.indices.first { index in
                !matched[index] && events[index].label == detection.label
                    && detection.timeMilliseconds >= events[index].timeMilliseconds
                    && detection.timeMilliseconds - events[index].timeMilliseconds <= toleranceMilliseconds
            }
            if let match {
                matched[match] = true
                hitCount += 1
            } else {
                falseAlarmList.append(detection)
            }
        }
        hits = hitCount
        missedEvents = events.indices.filter { !matched[$0] }.map { events[$0] }
        misses = missedEvents.count
        falseAlarmDetections = falseAlarmList
        falseAlarms = falseAlarmList.count
        self.audioSeconds = audioSeconds
    }
}
