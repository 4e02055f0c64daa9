internal import MultiprocessingPlatform

/// What a worker codes a task with: the descriptors that came with the
/// task's frame, for decoding its jobs (their shared objects), and the
/// collector of its result's descriptors, for encoding the outputs and a
/// thrown error.
struct TaskCoding {
    /// Decoder `userInfo`: the ``IncomingDescriptors`` of the task's frame, if any came.
    var decoding: [CodingUserInfoKey: any Sendable] = [:]
    /// Encoder `userInfo`: an ``OutgoingDescriptors`` for the result's frame, if one is given.
    var encoding: [CodingUserInfoKey: any Sendable] = [:]
}
