// The admin key lives in session storage: it is gone when the tab closes, and sign-out clears it.
const adminKeyItem = 'sluice.adminKey';

export function readAdminKey(): string | undefined {
  return sessionStorage.getItem(adminKeyItem) ?? undefined;
}

export function saveAdminKey(key: string): void {
  sessionStorage.setItem(adminKeyItem, key);
}

export function clearSession(): void {
  sessionStorage.clear();
}
