package io.vigil;

public final class Agent {
  public static void main(String[] args) {
  }
}
