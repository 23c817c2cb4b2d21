/** A workflow input that cannot be used as given; the message names the input and the fix. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}
