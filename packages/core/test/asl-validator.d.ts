// asl-validator 4 ships no type declarations; this covers the call the tests make.
declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errorsText: (separator?: string) => string;
  }
  export default function aslValidator(definition: unknown): ValidationResult;
}
