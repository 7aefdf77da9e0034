package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

public class CommandSource {
  @Size(max = 1024)
  @ValidationRule(value = Names.IMAGE_RULE, message = Names.IMAGE_MESSAGE)
  @JsonPropertyDescription(
      "Image holding the migration tool. Default: the target container's image as the"
          + " Deployment has it now, so the migration follows the app's version.")
  private String image;

  @JsonPropertyDescription(
      "Entrypoint override, e.g. [alembic]. The image's entrypoint when empty.")
  private List<String> command;

  @JsonPropertyDescription("Arguments, e.g. [upgrade, head].")
  private List<String> args;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }
}
