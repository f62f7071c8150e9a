// A file that reading refused for a reason of its own (not a regular file, too large): the loader
// records the message as the reject reason as it is, rather than as a generic read failure.
export class InputRejected extends Error {
  override name = 'InputRejected';
}
