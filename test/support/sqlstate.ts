/** The SQLSTATE a statement failed with (`23503`, `55000`, …), or undefined when it succeeded. */
export async function sqlstate(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}
